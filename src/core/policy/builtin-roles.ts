/**
 * The built-in roles, written as ordinary statements so `explain` reports them like any custom role
 * (source 'role:writer', statement 1, ...). They only allow: a deny here would override what a
 * member's custom roles grant on top of the base role.
 *
 * - reader: look, don't touch: viewProject on every project, viewEnvironment on every environment,
 *   viewMembers, viewAuditLog.
 * - writer: reader + every project/environment/flag/segment action (change requests, schedules,
 *   releases, triggers, viewSdkKey, rotateSdkKey included) EXCEPT bypassRequiredApproval,
 *   updateApprovalSettings and manageGuardrails; switching approvals or guardrails off would be a
 *   bypass by another name. No account
 *   actions (members, teams, roles, tokens, webhooks): a member's own personal tokens are allowed
 *   by the tokens service, not by policy.
 * - admin: every action on every resource type.
 * - owner: the same statements as admin. What only the owner may do (e.g. change the owner) is a
 *   rule about people, enforced by the accounts service, not something a policy can express.
 */
import { actionsForTypes } from './actions';
import { RESOURCE_PATHS } from './resource-types';
import type { PolicyStatement } from './statement';

export type BuiltinRole = 'reader' | 'writer' | 'admin' | 'owner';

const PROJECT_TREE = ['proj/*', 'proj/*:env/*', 'proj/*:env/*:flag/*', 'proj/*:env/*:segment/*'];

/** `proj/*`, `proj/*:env/*`, ..., `member/*:token/*`, `audit/*`: every resource there is. */
const EVERY_RESOURCE = [...RESOURCE_PATHS].map((path) =>
  path
    .split(':')
    .map((type) => `${type}/*`)
    .join(':'),
);

const WRITER_EXCLUDED = new Set(['bypassRequiredApproval', 'updateApprovalSettings', 'manageGuardrails']);
const WRITER_ACTIONS = actionsForTypes(['proj', 'env', 'flag', 'segment']).filter(
  (action) => !WRITER_EXCLUDED.has(action),
);

const reader = (): PolicyStatement[] => [
  { effect: 'allow', actions: ['viewProject'], resources: ['proj/*'] },
  { effect: 'allow', actions: ['viewEnvironment'], resources: ['proj/*:env/*'] },
  { effect: 'allow', actions: ['viewMembers'], resources: ['member/*'] },
  { effect: 'allow', actions: ['viewTeams'], resources: ['team/*'] },
  { effect: 'allow', actions: ['viewAuditLog'], resources: ['audit/*'] },
];

const everything = (): PolicyStatement[] => [{ effect: 'allow', actions: ['*'], resources: [...EVERY_RESOURCE] }];

function deepFreeze(statements: PolicyStatement[]): PolicyStatement[] {
  for (const statement of statements) {
    Object.values(statement).forEach((list) => Array.isArray(list) && Object.freeze(list));
    Object.freeze(statement);
  }
  return Object.freeze(statements) as PolicyStatement[];
}

// Frozen: these are shared by every compiled policy, so nobody may mutate them in place.
export const BUILTIN_ROLES: Readonly<Record<BuiltinRole, PolicyStatement[]>> = Object.freeze({
  reader: deepFreeze(reader()),
  writer: deepFreeze([...reader(), { effect: 'allow', actions: [...WRITER_ACTIONS], resources: [...PROJECT_TREE] }]),
  admin: deepFreeze([{ effect: 'allow', notActions: ['manageOwners'], resources: [...EVERY_RESOURCE] }]),
  owner: deepFreeze(everything()),
});

export function isBuiltinRole(value: string): value is BuiltinRole {
  return Object.prototype.hasOwnProperty.call(BUILTIN_ROLES, value);
}
