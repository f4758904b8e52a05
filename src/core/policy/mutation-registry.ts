/**
 * The mutation registry: every operation of every surface that changes something (REST routes with
 * POST/PUT/PATCH/DELETE, trigger URLs, GraphQL mutations, background jobs), what it changes, the
 * actions it checks, and where it stands towards the approval gate. Gantry promises that nothing
 * reaches a protected environment without review; this table is that promise written down, one
 * line per operation.
 *
 * - `gated`: the change goes through the one write path's approval gate (enforceApprovalGate), or is
 *   approved where the automation that makes it is created (schedule, release, pipeline run, trigger,
 *   change request) and written later under that approval. Creating such automation past a required
 *   approval is break-glass, like a direct write past it: a reason, and a retroactive review.
 * - `governs-the-gate`: changes what protects an environment (its settings, its approval settings,
 *   its existence, its SDK keys; deleting a segment). These need protecting in their own right.
 * - `not-targeting`: cannot change what any SDK serves beyond what was already approved; `reason`
 *   says why, in one line.
 *
 * `actions` are the policy actions the operation checks with `authz.assert`/`authz.can`, apart from
 * `viewProject`, which every project-scoped operation checks first. `instructions` marks operations
 * that also check the action of each semantic-patch instruction they carry (FLAG_INSTRUCTION_ACTIONS,
 * SEGMENT_INSTRUCTION_ACTIONS). REST operations are written `METHOD /path/{param}`. Jobs run as
 * Gantry's automation actor: they check no action of their own; the entry that created the work did.
 *
 * test/integration/mutation-registry.spec.ts fails when the running application serves a mutating
 * operation missing here, or when an entry here is no longer served; every REST entry authenticated
 * by an access token must answer 401 without one. The README's "Mutation registry" table is
 * generated from this file (scripts/generate-mutation-docs.ts, run by `npm run openapi`).
 */
import { isKnownAction, type ActionName } from './actions';

export type MutationSurface = 'rest' | 'graphql' | 'trigger' | 'job';
export const MUTATION_GATES = ['gated', 'governs-the-gate', 'not-targeting'] as const;
export type MutationGate = (typeof MUTATION_GATES)[number];

interface EntryBase {
  surface: MutationSurface;
  /** `METHOD /api/v1/...` for REST and trigger URLs; the Mutation field for GraphQL; the job name for jobs. */
  operation: string;
  actions: readonly ActionName[];
  /** Also checks each carried instruction's own action, on flags or on segments. */
  instructions?: 'flag' | 'segment' | 'flag or segment';
  /** What it changes, in words: 'flag environment config', 'environment settings', 'webhook'. */
  resource: string;
  /** A REST route authenticated by its own credential rather than an access token. */
  credential?: 'sdk-key' | 'trigger-secret' | 'sign-in' | 'relay-credential';
}

export type MutationEntry = EntryBase &
  ({ gate: 'gated' | 'governs-the-gate'; reason?: string } | { gate: 'not-targeting'; reason: string });

/** Trigger URLs: their secret is their credential, so they form their own surface. */
export const TRIGGER_URL_PREFIX = '/api/v1/triggers/';

const P = '/api/v1/projects/{projectKey}';
const FLAG = `${P}/flags/{flagKey}`;
const FLAG_ENV = `${FLAG}/environments/{envKey}`;
const ENV = `${P}/environments/{envKey}`;
const CR = '/api/v1/change-requests/{id}';

// Reasons shared by REST and GraphQL, so both surfaces say the same thing.
const WHY = {
  createProject: 'a new project has no flags, so nothing is served from it yet',
  updateProject: 'renames or retags the project; serving is unaffected',
  createEnvironment: 'a new environment with new SDK keys; every flag starts off in it',
  createFlag: 'a new flag starts off in every environment; turning it on or targeting it is a gated write',
  createSegment: 'a new segment; a flag rule that names it is a gated write (a rule may name a key before it exists)',
  proposeChange: 'proposes a change; it is served only when the request is applied, which is gated',
  cancelChangeRequest: 'closes a request; nothing is served',
  deleteSchedule: 'cancels a pending scheduled change; what is served stays as it is',
  pauseRelease: 'stops a release at its current stage; what is served stays as it is',
  resumeRelease: 'restarts the clock of a release approved at start; each step is the gated release.step job',
  createAutomation:
    'where what it will write needs approval: break-glass (bypassRequiredApproval and a reason), ' +
    'a retroactive review is opened, and it is written later under that approval',
  members: 'access control: who may act; every act is still authorized and gated on its own',
  roles: 'access control: what a role may do; every act is still authorized and gated on its own',
  tokens: 'access control: issues or revokes a credential; every call it makes is authorized and gated',
  scim: 'access control: an identity provider provisions who may act; every act is still authorized and gated',
} as const;

export const MUTATION_REGISTRY: readonly MutationEntry[] = [
  // Projects and environments
  {
    surface: 'rest',
    operation: 'POST /api/v1/projects',
    actions: ['createProject', 'createEnvironment'],
    resource: 'project',
    gate: 'not-targeting',
    reason: WHY.createProject,
  },
  {
    surface: 'rest',
    operation: `PATCH ${P}`,
    actions: ['updateProject'],
    resource: 'project',
    gate: 'not-targeting',
    reason: WHY.updateProject,
  },
  {
    surface: 'rest',
    operation: `DELETE ${P}`,
    actions: ['deleteProject', 'bypassRequiredApproval'],
    resource: 'project',
    gate: 'governs-the-gate',
    reason: 'deletes every environment of the project, protected ones included',
  },
  {
    surface: 'rest',
    operation: `POST ${P}/environments`,
    actions: ['createEnvironment'],
    resource: 'environment',
    gate: 'not-targeting',
    reason: WHY.createEnvironment,
  },
  {
    surface: 'rest',
    operation: `PATCH ${ENV}`,
    actions: ['updateEnvironment', 'bypassRequiredApproval'],
    resource: 'environment settings',
    gate: 'governs-the-gate',
    reason: '`critical` decides whether the environment requires approval by default',
  },
  {
    surface: 'rest',
    operation: `POST ${ENV}/rotate-key`,
    actions: ['rotateSdkKey', 'viewSdkKey'],
    resource: 'SDK key',
    gate: 'governs-the-gate',
    reason: 'reveals a new key and stops the old one: every SDK of the environment must be given it',
  },
  {
    surface: 'rest',
    operation: `DELETE ${ENV}`,
    actions: ['deleteEnvironment', 'bypassRequiredApproval'],
    resource: 'environment',
    gate: 'governs-the-gate',
    reason: 'its SDKs stop being served at once',
  },
  {
    surface: 'rest',
    operation: `PUT ${ENV}/approval-settings`,
    actions: ['updateApprovalSettings', 'bypassRequiredApproval'],
    resource: 'approval settings',
    gate: 'governs-the-gate',
  },
  {
    surface: 'rest',
    operation: `PUT ${P}/approval-settings`,
    actions: ['updateApprovalSettings', 'bypassRequiredApproval'],
    resource: 'approval settings (project defaults)',
    gate: 'governs-the-gate',
    reason: 'apply to every environment without settings of its own',
  },

  // Flags and segments: the one write path
  {
    surface: 'rest',
    operation: `POST ${P}/flags`,
    actions: ['createFlag'],
    resource: 'flag',
    gate: 'not-targeting',
    reason: WHY.createFlag,
  },
  {
    surface: 'rest',
    operation: `PATCH ${FLAG}`,
    actions: ['bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
  },
  {
    surface: 'rest',
    operation: `POST ${ENV}/segments`,
    actions: ['createSegment'],
    resource: 'segment',
    gate: 'not-targeting',
    reason: WHY.createSegment,
  },
  {
    surface: 'rest',
    operation: `PATCH ${ENV}/segments/{segmentKey}`,
    actions: ['bypassRequiredApproval'],
    instructions: 'segment',
    resource: 'segment',
    gate: 'gated',
  },
  {
    surface: 'rest',
    operation: `DELETE ${ENV}/segments/{segmentKey}`,
    actions: ['deleteSegment'],
    resource: 'segment',
    gate: 'governs-the-gate',
    reason: 'refused while a flag uses the segment',
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/evaluate`,
    actions: [],
    resource: 'evaluation',
    gate: 'not-targeting',
    reason: 'evaluation only, writes nothing',
  },

  // Change requests
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/change-requests`,
    actions: ['createChangeRequest'],
    instructions: 'flag',
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'rest',
    operation: `POST ${ENV}/segments/{segmentKey}/change-requests`,
    actions: ['createChangeRequest'],
    instructions: 'segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'rest',
    operation: `PATCH ${CR}`,
    actions: ['bypassRequiredApproval'],
    instructions: 'flag or segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'edits a request (requester, or bypassRequiredApproval); new content resets its reviews',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/reviews`,
    actions: ['reviewChangeRequest'],
    resource: 'change request',
    gate: 'gated',
    reason: 'the approving review applies the request when the environment has autoApplyOnApproval',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/apply`,
    actions: ['applyChangeRequest', 'bypassRequiredApproval'],
    resource: 'flag environment config or segment',
    gate: 'gated',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/rebase`,
    actions: ['bypassRequiredApproval'],
    instructions: 'flag or segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'moves a request onto the current version; its reviews are reset',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/cancel`,
    actions: ['bypassRequiredApproval'],
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.cancelChangeRequest,
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/impact`,
    actions: [],
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'computes the impact over supplied contexts, writes nothing',
  },

  // Release automation
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/scheduled-changes`,
    actions: ['createScheduledChange', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'scheduled change',
    gate: 'gated',
    reason: WHY.createAutomation,
  },
  {
    surface: 'rest',
    operation: `PATCH ${FLAG_ENV}/scheduled-changes/{id}`,
    actions: ['createScheduledChange', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'scheduled change',
    gate: 'gated',
    reason: 'new instructions where they need approval are break-glass, as creating the schedule is',
  },
  {
    surface: 'rest',
    operation: `DELETE ${FLAG_ENV}/scheduled-changes/{id}`,
    actions: ['createScheduledChange'],
    resource: 'scheduled change',
    gate: 'not-targeting',
    reason: WHY.deleteSchedule,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/releases`,
    actions: ['manageReleases', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'release',
    gate: 'gated',
    reason: WHY.createAutomation,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/releases/{id}/pause`,
    actions: ['manageReleases'],
    resource: 'release',
    gate: 'not-targeting',
    reason: WHY.pauseRelease,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/releases/{id}/resume`,
    actions: ['manageReleases'],
    resource: 'release',
    gate: 'not-targeting',
    reason: WHY.resumeRelease,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/releases/{id}/rollback`,
    actions: ['manageReleases'],
    resource: 'flag environment config',
    gate: 'gated',
    reason: 'writes the baseline back through the write path, under the approval the release started with',
  },
  {
    surface: 'rest',
    operation: `POST ${P}/release-pipelines`,
    actions: ['manageReleases'],
    resource: 'release pipeline',
    gate: 'not-targeting',
    reason: 'a pipeline definition; a run copies it and is checked against the gate when it starts',
  },
  {
    surface: 'rest',
    operation: `PATCH ${P}/release-pipelines/{key}`,
    actions: ['manageReleases'],
    resource: 'release pipeline',
    gate: 'not-targeting',
    reason: 'a pipeline definition; running runs keep the copy they started with',
  },
  {
    surface: 'rest',
    operation: `DELETE ${P}/release-pipelines/{key}`,
    actions: ['manageReleases'],
    resource: 'release pipeline',
    gate: 'not-targeting',
    reason: 'a pipeline definition; running runs keep the copy they started with',
  },
  {
    surface: 'rest',
    operation: `PUT ${FLAG}/release`,
    actions: ['manageReleases', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'pipeline run',
    gate: 'gated',
    reason: WHY.createAutomation,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG}/release/abort`,
    actions: ['manageReleases'],
    resource: 'pipeline run',
    gate: 'not-targeting',
    reason: 'no further audience starts; what is served stays as it is',
  },
  // Issue 13: release plans (the successor of pipelines; same tables, same runner)
  {
    surface: 'rest',
    operation: `POST ${P}/release-plans`,
    actions: ['manageReleases'],
    resource: 'release plan',
    gate: 'not-targeting',
    reason: 'a plan definition; a run copies it and is checked against the gate when it starts',
  },
  {
    surface: 'rest',
    operation: `PUT ${P}/release-plans/{key}`,
    actions: ['manageReleases'],
    resource: 'release plan',
    gate: 'not-targeting',
    reason: 'a new version of the plan; running runs keep the version they started with',
  },
  {
    surface: 'rest',
    operation: `DELETE ${P}/release-plans/{key}`,
    actions: ['manageReleases'],
    resource: 'release plan',
    gate: 'not-targeting',
    reason: 'a plan definition; running runs keep the copy they started with',
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG}/release/phases/{phase}/start`,
    actions: ['manageReleases'],
    resource: 'pipeline run',
    gate: 'gated',
    reason: 'the phase writes under the approval (or change request) its run was checked against at start',
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG}/release/resume`,
    actions: ['manageReleases'],
    resource: 'pipeline run',
    gate: 'gated',
    reason: 'the phases write under the approval (or change request) their run was checked against at start',
  },
  {
    surface: 'rest',
    operation: `POST ${P}/metrics`,
    actions: ['manageReleases'],
    resource: 'metric',
    gate: 'not-targeting',
    reason: 'defines a metric that release guards read; a guard rollback is itself a pre-approved write',
  },
  {
    surface: 'rest',
    operation: `PATCH ${P}/metrics/{key}`,
    actions: ['manageReleases'],
    resource: 'metric',
    gate: 'not-targeting',
    reason: 'defines a metric that release guards read; a guard rollback is itself a pre-approved write',
  },
  {
    surface: 'rest',
    operation: `DELETE ${P}/metrics/{key}`,
    actions: ['manageReleases'],
    resource: 'metric',
    gate: 'not-targeting',
    reason: 'removes a metric definition; serves nothing',
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/triggers`,
    actions: ['manageTriggers', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'trigger',
    gate: 'gated',
    reason: WHY.createAutomation,
  },
  {
    surface: 'rest',
    operation: `PATCH ${FLAG_ENV}/triggers/{id}`,
    actions: ['manageTriggers'],
    resource: 'trigger',
    gate: 'not-targeting',
    reason: 'renames, enables or disables a trigger; each firing passes the write path gate',
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/triggers/{id}/rotate`,
    actions: ['manageTriggers', 'bypassRequiredApproval'],
    resource: 'trigger',
    gate: 'not-targeting',
    reason: 'a new URL for the same action; a bypassing trigger needs bypass to rotate',
  },
  {
    surface: 'rest',
    operation: `DELETE ${FLAG_ENV}/triggers/{id}`,
    actions: ['manageTriggers'],
    resource: 'trigger',
    gate: 'not-targeting',
    reason: 'removes a trigger; what is served stays as it is',
  },
  {
    surface: 'trigger',
    operation: `POST ${TRIGGER_URL_PREFIX}{secret}`,
    actions: [],
    resource: 'flag environment config',
    gate: 'gated',
    credential: 'trigger-secret',
    reason: "writes through the write path's gate, under the creator's approval if they could bypass",
  },

  // Webhooks and audit
  {
    surface: 'rest',
    operation: 'POST /api/v1/webhooks',
    actions: ['manageWebhooks'],
    resource: 'webhook',
    gate: 'not-targeting',
    reason: 'creating a webhook: does not change what any SDK serves',
  },
  {
    surface: 'rest',
    operation: 'PATCH /api/v1/webhooks/{id}',
    actions: ['manageWebhooks'],
    resource: 'webhook',
    gate: 'not-targeting',
    reason: 'changes where events are sent; does not change what any SDK serves',
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/webhooks/{id}',
    actions: ['manageWebhooks'],
    resource: 'webhook',
    gate: 'not-targeting',
    reason: 'stops sending events; does not change what any SDK serves',
  },
  {
    surface: 'rest',
    operation: 'POST /api/v1/audit-log/verifications',
    actions: ['viewAuditLog'],
    resource: 'audit verification',
    gate: 'not-targeting',
    reason: 'verifies the audit hash chain in the background; reads only',
  },

  // Accounts
  {
    surface: 'rest',
    operation: 'POST /api/v1/authorization/explain',
    actions: ['viewMembers', 'manageTokens'],
    resource: 'authorization decision',
    gate: 'not-targeting',
    reason: 'explains a decision, writes nothing',
  },
  {
    surface: 'rest',
    operation: 'POST /api/v1/members',
    actions: ['manageMembers', 'manageOwners'],
    resource: 'member',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'rest',
    operation: 'PATCH /api/v1/members/{id}',
    actions: ['manageMembers', 'manageOwners'],
    resource: 'member',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/members/{id}',
    actions: ['manageMembers'],
    resource: 'member',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'rest',
    operation: 'POST /api/v1/teams',
    actions: ['manageTeams'],
    resource: 'team',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'rest',
    operation: 'PATCH /api/v1/teams/{key}',
    actions: ['manageTeams'],
    resource: 'team',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/teams/{key}',
    actions: ['manageTeams'],
    resource: 'team',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'rest',
    operation: 'POST /api/v1/roles',
    actions: ['manageRoles'],
    resource: 'role',
    gate: 'not-targeting',
    reason: WHY.roles,
  },
  {
    surface: 'rest',
    operation: 'PATCH /api/v1/roles/{key}',
    actions: ['manageRoles'],
    resource: 'role',
    gate: 'not-targeting',
    reason: WHY.roles,
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/roles/{key}',
    actions: ['manageRoles'],
    resource: 'role',
    gate: 'not-targeting',
    reason: WHY.roles,
  },
  {
    surface: 'rest',
    operation: 'POST /api/v1/tokens',
    // A SCIM token (purpose scim) needs its issuer to manage members and teams.
    actions: ['manageTokens', 'manageOwners', 'manageRoles', 'manageMembers', 'manageTeams'],
    resource: 'access token',
    gate: 'not-targeting',
    reason: WHY.tokens,
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/tokens/{id}',
    actions: ['manageTokens'],
    resource: 'access token',
    gate: 'not-targeting',
    reason: WHY.tokens,
  },

  // Relay credentials: what edge nodes present to their upstream
  {
    surface: 'rest',
    operation: 'POST /api/v1/relay-credentials',
    // It reads what SDK keys read, so its issuer must be allowed to see every SDK key in its scope.
    actions: ['manageTokens', 'viewSdkKey'],
    resource: 'relay credential',
    gate: 'not-targeting',
    reason: 'issues a read-only delivery credential for edge nodes; it can change nothing',
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/relay-credentials/{id}',
    actions: ['manageTokens'],
    resource: 'relay credential',
    gate: 'not-targeting',
    reason: 'revokes a read-only delivery credential; its feeds end on every node',
  },

  // SCIM 2.0 provisioning (/scim/v2): authenticated by a token of purpose scim, acting as that token
  ...(['Users', 'Groups'] as const).flatMap((kind) =>
    (['POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method): MutationEntry => ({
      surface: 'rest',
      operation: `${method} /scim/v2/${kind}${method === 'POST' ? '' : '/{id}'}`,
      actions:
        kind === 'Groups'
          ? ['manageTeams']
          : method === 'PUT' || method === 'PATCH'
            ? ['manageMembers', 'manageOwners']
            : ['manageMembers'],
      resource:
        kind === 'Groups'
          ? 'team (members, and the roles their groups map to)'
          : method === 'DELETE'
            ? 'member'
            : 'member (deactivation revokes their tokens and sessions)',
      gate: 'not-targeting',
      reason: WHY.scim,
    })),
  ),

  // Console sign-in: each route reads its own credential (a personal token in the body, the session cookie)
  {
    surface: 'rest',
    operation: 'POST /api/v1/session',
    actions: [],
    resource: 'console session',
    gate: 'not-targeting',
    credential: 'sign-in',
    reason:
      'opens a session that acts exactly as the personal token it was opened with; every call it makes is authorized',
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/session',
    actions: [],
    resource: 'console session',
    gate: 'not-targeting',
    credential: 'sign-in',
    reason: "ends the caller's own session (CSRF-checked)",
  },

  // SDK protocols (their own credential: the SDK key)
  {
    surface: 'rest',
    operation: 'POST /bulk',
    actions: [],
    resource: 'SDK events',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'event ingestion',
  },
  {
    surface: 'rest',
    operation: 'POST /diagnostic',
    actions: [],
    resource: 'SDK diagnostics',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'diagnostics are accepted and dropped',
  },
  {
    surface: 'rest',
    operation: 'POST /ofrep/v1/evaluate/flags',
    actions: [],
    resource: 'evaluation',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'evaluation only, writes nothing',
  },
  {
    surface: 'rest',
    operation: 'POST /ofrep/v1/evaluate/flags/{key}',
    actions: [],
    resource: 'evaluation',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'evaluation only, writes nothing',
  },

  // The relay surface edges use (their own credential: a relay credential)
  {
    surface: 'rest',
    operation: 'POST /relay/v1/feed',
    actions: [],
    resource: 'relay feed',
    gate: 'not-targeting',
    credential: 'relay-credential',
    reason: 'reads the snapshots of the environments in the credential scope; writes nothing',
  },
  {
    surface: 'rest',
    operation: 'POST /relay/v1/environments/{environmentId}/events',
    actions: [],
    resource: 'SDK events',
    gate: 'not-targeting',
    credential: 'relay-credential',
    reason: 'event ingestion forwarded by an edge, for an environment in the credential scope',
  },
  {
    surface: 'rest',
    operation: 'POST /relay/v1/evaluation-counts',
    actions: [],
    resource: 'evaluation counts',
    gate: 'not-targeting',
    credential: 'relay-credential',
    reason: 'evaluation counts forwarded by an edge, for environments in the credential scope',
  },

  // GraphQL: the same services as REST
  {
    surface: 'graphql',
    operation: 'createProject',
    actions: ['createProject', 'createEnvironment'],
    resource: 'project',
    gate: 'not-targeting',
    reason: WHY.createProject,
  },
  {
    surface: 'graphql',
    operation: 'createEnvironment',
    actions: ['createEnvironment'],
    resource: 'environment',
    gate: 'not-targeting',
    reason: WHY.createEnvironment,
  },
  {
    surface: 'graphql',
    operation: 'createFlag',
    actions: ['createFlag'],
    resource: 'flag',
    gate: 'not-targeting',
    reason: WHY.createFlag,
  },
  {
    surface: 'graphql',
    operation: 'patchFlag',
    actions: ['bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
  },
  {
    surface: 'graphql',
    operation: 'createSegment',
    actions: ['createSegment'],
    resource: 'segment',
    gate: 'not-targeting',
    reason: WHY.createSegment,
  },
  {
    surface: 'graphql',
    operation: 'patchSegment',
    actions: ['bypassRequiredApproval'],
    instructions: 'segment',
    resource: 'segment',
    gate: 'gated',
  },
  {
    surface: 'graphql',
    operation: 'deleteSegment',
    actions: ['deleteSegment'],
    resource: 'segment',
    gate: 'governs-the-gate',
    reason: 'refused while a flag uses the segment',
  },
  {
    surface: 'graphql',
    operation: 'createFlagChangeRequest',
    actions: ['createChangeRequest'],
    instructions: 'flag',
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'graphql',
    operation: 'createSegmentChangeRequest',
    actions: ['createChangeRequest'],
    instructions: 'segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'graphql',
    operation: 'updateChangeRequest',
    actions: ['bypassRequiredApproval'],
    instructions: 'flag or segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'edits a request (requester, or bypassRequiredApproval); new content resets its reviews',
  },
  {
    surface: 'graphql',
    operation: 'reviewChangeRequest',
    actions: ['reviewChangeRequest'],
    resource: 'change request',
    gate: 'gated',
    reason: 'the approving review applies the request when the environment has autoApplyOnApproval',
  },
  {
    surface: 'graphql',
    operation: 'applyChangeRequest',
    actions: ['applyChangeRequest', 'bypassRequiredApproval'],
    resource: 'flag environment config or segment',
    gate: 'gated',
  },
  {
    surface: 'graphql',
    operation: 'rebaseChangeRequest',
    actions: ['bypassRequiredApproval'],
    instructions: 'flag or segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'moves a request onto the current version; its reviews are reset',
  },
  {
    surface: 'graphql',
    operation: 'cancelChangeRequest',
    actions: ['bypassRequiredApproval'],
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.cancelChangeRequest,
  },
  {
    surface: 'graphql',
    operation: 'createScheduledChange',
    actions: ['createScheduledChange', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'scheduled change',
    gate: 'gated',
    reason: WHY.createAutomation,
  },
  {
    surface: 'graphql',
    operation: 'deleteScheduledChange',
    actions: ['createScheduledChange'],
    resource: 'scheduled change',
    gate: 'not-targeting',
    reason: WHY.deleteSchedule,
  },
  {
    surface: 'graphql',
    operation: 'startRelease',
    actions: ['manageReleases', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'release',
    gate: 'gated',
    reason: WHY.createAutomation,
  },
  {
    surface: 'graphql',
    operation: 'pauseRelease',
    actions: ['manageReleases'],
    resource: 'release',
    gate: 'not-targeting',
    reason: WHY.pauseRelease,
  },
  {
    surface: 'graphql',
    operation: 'resumeRelease',
    actions: ['manageReleases'],
    resource: 'release',
    gate: 'not-targeting',
    reason: WHY.resumeRelease,
  },
  {
    surface: 'graphql',
    operation: 'rollbackRelease',
    actions: ['manageReleases'],
    resource: 'flag environment config',
    gate: 'gated',
    reason: 'writes the baseline back through the write path, under the approval the release started with',
  },
  {
    surface: 'graphql',
    operation: 'createMember',
    actions: ['manageMembers', 'manageOwners'],
    resource: 'member',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'graphql',
    operation: 'updateMember',
    actions: ['manageMembers', 'manageOwners'],
    resource: 'member',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'graphql',
    operation: 'deleteMember',
    actions: ['manageMembers'],
    resource: 'member',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'graphql',
    operation: 'createTeam',
    actions: ['manageTeams'],
    resource: 'team',
    gate: 'not-targeting',
    reason: WHY.members,
  },
  {
    surface: 'graphql',
    operation: 'createRole',
    actions: ['manageRoles'],
    resource: 'role',
    gate: 'not-targeting',
    reason: WHY.roles,
  },
  {
    surface: 'graphql',
    operation: 'updateRole',
    actions: ['manageRoles'],
    resource: 'role',
    gate: 'not-targeting',
    reason: WHY.roles,
  },
  {
    surface: 'graphql',
    operation: 'deleteRole',
    actions: ['manageRoles'],
    resource: 'role',
    gate: 'not-targeting',
    reason: WHY.roles,
  },
  {
    surface: 'graphql',
    operation: 'createToken',
    actions: ['manageTokens', 'manageOwners', 'manageRoles', 'manageMembers', 'manageTeams'],
    resource: 'access token',
    gate: 'not-targeting',
    reason: WHY.tokens,
  },
  {
    surface: 'graphql',
    operation: 'revokeToken',
    actions: ['manageTokens'],
    resource: 'access token',
    gate: 'not-targeting',
    reason: WHY.tokens,
  },

  // Jobs (BullMQ): Gantry's own work, as the automation actor
  {
    surface: 'job',
    operation: 'audit.verify-chain',
    actions: [],
    resource: 'audit verification',
    gate: 'not-targeting',
    reason: 'recomputes the audit hash chain and records the result',
  },
  {
    surface: 'job',
    operation: 'maintenance.prune',
    actions: [],
    resource: 'outbox and SDK events',
    gate: 'not-targeting',
    reason: 'deletes published outbox rows and SDK events past their retention',
  },
  {
    surface: 'job',
    operation: 'webhook.deliver',
    actions: [],
    resource: 'webhook delivery',
    gate: 'not-targeting',
    reason: 'POSTs one event to a webhook receiver',
  },
  {
    surface: 'job',
    operation: 'change-request.apply-scheduled',
    actions: [],
    resource: 'flag environment config or segment',
    gate: 'gated',
    reason: 'applies an approved change request when due, re-checking every rule of an apply',
  },
  {
    surface: 'job',
    operation: 'scheduled-change.apply',
    actions: [],
    resource: 'flag environment config',
    gate: 'gated',
    reason: 'writes through the write path under the approval given when the change was scheduled',
  },
  {
    surface: 'job',
    operation: 'release.step',
    actions: [],
    resource: 'flag environment config',
    gate: 'gated',
    reason: 'writes the next stage through the write path under the approval the release started with',
  },
  {
    surface: 'job',
    operation: 'pipeline.advance',
    actions: [],
    resource: 'release, change request',
    gate: 'gated',
    reason: 'starts audiences as releases, or as change requests where the audience requires approval',
  },
  // Issue 10: governance change requests, version restore, freezes, guardrail policies
  {
    surface: 'rest',
    operation: `POST ${ENV}/change-requests`,
    actions: ['createChangeRequest', 'updateEnvironment', 'deleteEnvironment'],
    resource: 'environment settings (change request)',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/versions/{version}/restore`,
    actions: ['createChangeRequest', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
    reason:
      'applies the computed instructions through the write path, or opens a change request where approval is required',
  },
  {
    surface: 'graphql',
    operation: 'restoreFlagVersion',
    actions: ['createChangeRequest', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
  },
  ...(['rest', 'graphql'] as const).flatMap((surface) => [
    {
      surface,
      operation: surface === 'rest' ? `POST ${P}/freezes` : 'createFreeze',
      actions: ['manageFreezes', 'bypassRequiredApproval'] as const,
      resource: 'freeze window',
      gate: 'governs-the-gate' as const,
      reason: 'a freeze refuses targeting changes; on a gated environment creating one needs break-glass',
    },
    {
      surface,
      operation: surface === 'rest' ? `DELETE ${P}/freezes/{id}` : 'deleteFreeze',
      actions: ['manageFreezes', 'bypassRequiredApproval'] as const,
      resource: 'freeze window',
      gate: 'governs-the-gate' as const,
      reason: 'removing a freeze lifts protection; on a gated environment it needs break-glass',
    },
    {
      surface,
      operation: surface === 'rest' ? `PUT ${P}/guardrail-policies/{key}` : 'putGuardrailPolicy',
      actions: ['manageGuardrails', 'bypassRequiredApproval'] as const,
      resource: 'guardrail policy',
      gate: 'governs-the-gate' as const,
      reason: 'guardrails block content on every write; on a gated environment changing them needs break-glass',
    },
    {
      surface,
      operation: surface === 'rest' ? `DELETE ${P}/guardrail-policies/{key}` : 'deleteGuardrailPolicy',
      actions: ['manageGuardrails', 'bypassRequiredApproval'] as const,
      resource: 'guardrail policy',
      gate: 'governs-the-gate' as const,
      reason: 'removing a guardrail lifts protection; on a gated environment it needs break-glass',
    },
  ]),
  // Issue 13 §5: flag lifecycle and code references
  {
    surface: 'rest',
    operation: `PUT ${P}/lifecycle-settings`,
    actions: ['updateProject'],
    resource: 'project lifecycle settings',
    gate: 'not-targeting',
    reason:
      'thresholds and the archival policy; the policy archives through the write path as automation, ' +
      'which never passes a gate (a gated environment gets a change request)',
  },
  {
    surface: 'rest',
    operation: `POST ${P}/code-references`,
    actions: ['reportCodeReferences'],
    resource: 'code references',
    gate: 'not-targeting',
    reason: 'records where flag keys appear in source code; nothing is served differently',
  },
  {
    surface: 'job',
    operation: 'lifecycle.sweep',
    actions: [],
    resource: 'flag (archived state), change request',
    gate: 'gated',
    reason:
      'archives stale flags through the write path as the automation actor (never past a gate); where ' +
      'archiving needs approval it opens a change request instead',
  },
  // Issue 13: deploy signals from CI
  {
    surface: 'rest',
    operation: `POST ${P}/deployments`,
    actions: ['recordDeployments'],
    resource: 'deployment',
    gate: 'not-targeting',
    reason:
      'records a deployment; release phases it starts were approved with their plan, and each step is a gated write',
  },
];

const OPERATION_FORMS: Record<MutationSurface, RegExp> = {
  rest: /^(POST|PUT|PATCH|DELETE) \/[A-Za-z0-9\-/{}]*$/,
  trigger: /^(POST|PUT|PATCH|DELETE) \/[A-Za-z0-9\-/{}]*$/,
  graphql: /^[a-z][A-Za-z0-9]*$/,
  job: /^[a-z][a-z-]*\.[a-z][a-z-]*$/,
};

/**
 * What is wrong with registry entries, one line each (empty: nothing): an action the catalogue does
 * not know, a `not-targeting` entry without its reason, an operation not written in its surface's
 * form, an entry listed twice. Types catch most of it at compile time; this catches the rest
 * (blank reasons, `:param` paths) and what a cast would let through.
 */
export function registryProblems(entries: readonly MutationEntry[] = MUTATION_REGISTRY): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const id = `${e.surface} ${e.operation}`;
    if (seen.has(id)) problems.push(`${id}: listed twice`);
    seen.add(id);
    if (!OPERATION_FORMS[e.surface]?.test(e.operation)) problems.push(`${id}: not a ${e.surface} operation`);
    if (e.surface === 'trigger' && !e.operation.split(' ')[1].startsWith(TRIGGER_URL_PREFIX))
      problems.push(`${id}: a trigger URL starts with ${TRIGGER_URL_PREFIX}`);
    // Typed as catalogue actions; a cast or plain data can still carry any string.
    for (const a of e.actions as readonly string[])
      if (!isKnownAction(a)) problems.push(`${id}: unknown action '${a}'`);
    if (!e.resource.trim()) problems.push(`${id}: names no resource`);
    const reason = e.reason?.trim() ?? '';
    if (e.gate === 'not-targeting' && !reason) problems.push(`${id}: not-targeting needs a reason`);
    if (/\n/.test(reason)) problems.push(`${id}: the reason is one line`);
  }
  return problems;
}
