/**
 * The action catalogue: every action a policy can name and the resource type(s) it is checked on.
 * Names follow LaunchDarkly where LaunchDarkly has the action. An action is always checked against
 * the resource it changes (createFlag on `proj/p:env/e:flag/new`), so `can` refuses an action on a
 * type it does not apply to rather than letting `proj/*` grants leak onto flags.
 */
import type { ResourceType } from './resource-types';
import { globToRegExp } from './glob';

const FLAG_AND_SEGMENT: readonly ResourceType[] = ['flag', 'segment'];
const GOVERNED: readonly ResourceType[] = ['env', 'flag', 'segment'];

export const ACTIONS = {
  // proj
  viewProject: ['proj'],
  createProject: ['proj'],
  updateProject: ['proj'],
  /** Reporting where flag keys appear in source code (CI: `gantry code-refs scan`); nothing served changes. */
  reportCodeReferences: ['proj'],
  deleteProject: ['proj'],
  // env
  /** Seeing an environment at all: its configuration, its flags' and segments' settings there, its history. */
  viewEnvironment: ['env'],
  createEnvironment: ['env'],
  updateEnvironment: ['env'],
  deleteEnvironment: ['env'],
  viewSdkKey: ['env'],
  rotateSdkKey: ['env'],
  updateApprovalSettings: ['env'],
  /** Creating, changing or deleting the guardrail policies that cover the environment. */
  manageGuardrails: ['env'],
  /** Create or remove change-freeze windows covering the environment. */
  manageFreezes: ['env'],
  /** Sending deploy signals (CI): records a deployment there and starts the release phases it triggers. */
  recordDeployments: ['env'],
  // flag
  createFlag: ['flag'],
  deleteFlag: ['flag'],
  updateOn: ['flag'],
  updateTargets: ['flag'],
  updatePrerequisites: ['flag'],
  updateFallthrough: ['flag'],
  updateOffVariation: ['flag'],
  updateTrackEvents: ['flag'],
  updateFlagVariations: ['flag'],
  updateTemporary: ['flag'],
  updateMaintainer: ['flag'],
  archiveFlag: ['flag'],
  restoreFlag: ['flag'],
  createScheduledChange: ['flag'],
  manageReleases: ['flag'],
  manageTriggers: ['flag'],
  // segment
  createSegment: ['segment'],
  deleteSegment: ['segment'],
  updateIncluded: ['segment'],
  updateExcluded: ['segment'],
  // shared by flags and segments
  updateRules: FLAG_AND_SEGMENT,
  updateName: FLAG_AND_SEGMENT,
  updateDescription: FLAG_AND_SEGMENT,
  updateTags: FLAG_AND_SEGMENT,
  // Governance: on environments too, whose protection (critical, approval settings, existence) is
  // changed through change requests of kind `environment`, or by break-glass.
  createChangeRequest: GOVERNED,
  reviewChangeRequest: GOVERNED,
  applyChangeRequest: GOVERNED,
  bypassRequiredApproval: GOVERNED,
  // accounts
  viewMembers: ['member'],
  manageMembers: ['member'],
  /** Granting or changing the owner role: the one thing admins cannot do. */
  manageOwners: ['member'],
  viewTeams: ['team'],
  manageTeams: ['team'],
  manageRoles: ['role'],
  manageTokens: ['token', 'service-token'],
  manageWebhooks: ['webhook'],
  viewAuditLog: ['audit'],
} as const satisfies Record<string, readonly ResourceType[]>;

export type ActionName = keyof typeof ACTIONS;

export const ACTION_NAMES: readonly ActionName[] = Object.keys(ACTIONS) as ActionName[];

export function isKnownAction(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(ACTIONS, name);
}

/** Whether `action` is checked on resources whose last segment has `type`. */
export function actionAppliesTo(action: string, type: string): boolean {
  return isKnownAction(action) && (ACTIONS[action] as readonly string[]).includes(type);
}

/** Every catalogued action that applies to at least one of `types`, in catalogue order. */
export function actionsForTypes(types: readonly ResourceType[]): ActionName[] {
  return ACTION_NAMES.filter((name) => ACTIONS[name].some((type) => types.includes(type)));
}

/** An action entry in a statement: `*`, an exact name, or a glob such as `update*`. */
export const ACTION_PATTERN = /^[A-Za-z*]{1,64}$/;

/** The catalogued actions an entry names; empty for an unknown name or a glob matching nothing. */
export function expandActionPattern(pattern: string): ActionName[] {
  if (!pattern.includes('*')) return isKnownAction(pattern) ? [pattern] : [];
  const regex = globToRegExp(pattern);
  return ACTION_NAMES.filter((name) => regex.test(name));
}
