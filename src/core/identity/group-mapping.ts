/**
 * How an identity provider's groups become a Gantry role and teams. Shared by OIDC sign-in (the
 * groups claim) and SCIM provisioning (group memberships), so one person gets the same access
 * whichever way the company provisions them.
 *
 * Mappings are written by operators in environment variables as `group=value` pairs separated by
 * commas: `GANTRY_GROUP_ROLES="gantry-admins=admin,engineering=writer"`,
 * `GANTRY_GROUP_TEAMS="eng-payments=payments,eng-web=web"`. Group names are compared exactly
 * (identity providers treat them as opaque strings).
 */
export type MappedRole = 'reader' | 'writer' | 'admin' | 'owner';

/** Strongest first: a member in several mapped groups gets the strongest of their roles. */
export const ROLE_STRENGTH: readonly MappedRole[] = ['owner', 'admin', 'writer', 'reader'];

export interface GroupMapping {
  /** group → role */
  roles: ReadonlyMap<string, MappedRole>;
  /** group → team key */
  teams: ReadonlyMap<string, string>;
  /** Role of a member none of whose groups maps to a role. */
  defaultRole: MappedRole;
}

export class GroupMappingError extends Error {}

const TEAM_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Parses `a=b,c=d`; an empty or missing value is an empty map. Throws GroupMappingError naming the bad pair. */
export function parsePairs(value: string | undefined): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const raw of (value ?? '').split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const at = item.lastIndexOf('=');
    const group = item.slice(0, at).trim();
    const target = item.slice(at + 1).trim();
    if (at <= 0 || !group || !target) throw new GroupMappingError(`'${item}' is not a group=value pair`);
    if (pairs.has(group)) throw new GroupMappingError(`group '${group}' is mapped twice`);
    pairs.set(group, target);
  }
  return pairs;
}

export function isMappedRole(value: string): value is MappedRole {
  return (ROLE_STRENGTH as readonly string[]).includes(value);
}

export function parseRoleMap(value: string | undefined): Map<string, MappedRole> {
  const roles = new Map<string, MappedRole>();
  for (const [group, role] of parsePairs(value)) {
    if (!isMappedRole(role))
      throw new GroupMappingError(`'${role}' (for group '${group}') is not one of ${ROLE_STRENGTH.join(', ')}`);
    roles.set(group, role);
  }
  return roles;
}

export function parseTeamMap(value: string | undefined): Map<string, string> {
  const teams = parsePairs(value);
  for (const [group, team] of teams) {
    if (!TEAM_KEY.test(team)) throw new GroupMappingError(`'${team}' (for group '${group}') is not a valid team key`);
  }
  return teams;
}

/** The role and team keys a member with these groups gets. Unmapped groups are ignored. */
export function mapGroups(mapping: GroupMapping, groups: readonly string[]): { role: MappedRole; teams: string[] } {
  const roles = new Set(groups.flatMap((g) => mapping.roles.get(g) ?? []));
  const role = ROLE_STRENGTH.find((r) => roles.has(r)) ?? mapping.defaultRole;
  const teams = [...new Set(groups.flatMap((g) => mapping.teams.get(g) ?? []))].sort();
  return { role, teams };
}
