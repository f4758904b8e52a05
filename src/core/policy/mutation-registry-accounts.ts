import type { MutationEntry } from './mutation-registry-types';
import { WHY } from './mutation-registry-reasons';

export const ACCOUNT_ENTRIES: readonly MutationEntry[] = [
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
];
