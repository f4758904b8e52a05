import { DomainError } from '../errors';
import { mapGroups, type GroupMapping, type MappedRole } from './group-mapping';
import type { ScimDoc, ScimElement } from './scim-values';

/**
 * A SCIM Group is a Gantry team: displayName is the team's name, members its members. The team's
 * key is chosen once, at creation: the GANTRY_GROUP_TEAMS mapping of the displayName when there is
 * one (so OIDC sign-in and SCIM fill the same team), else a slug of the displayName.
 */
export interface GroupFields {
  name: string;
  externalId: string | null;
  memberIds: string[];
}

const MAX_NAME = 256;
const invalid = (message: string) => new DomainError('scim/invalid_value', message);

function displayNameOf(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name) throw invalid('displayName is required');
  if (name.length > MAX_NAME) throw invalid(`displayName is longer than ${MAX_NAME} characters`);
  return name;
}

function memberIdsOf(doc: ScimDoc): string[] {
  const members = (Array.isArray(doc.members) ? doc.members : []) as ScimElement[];
  const ids = members.map((m, i) => {
    if (typeof m.value !== 'string' || !m.value) throw invalid(`members[${i}].value (a User id) is required`);
    return m.value;
  });
  return [...new Set(ids)];
}

/** A team as the document PATCH starts from (members by id only: display names are not state). */
export function groupDoc(f: GroupFields): ScimDoc {
  return {
    ...(f.externalId !== null ? { externalId: f.externalId } : {}),
    displayName: f.name,
    members: f.memberIds.map((value) => ({ value })),
  };
}

/** A POST or PUT body's team; a PUT without externalId keeps the one the team has. */
export function groupFromBody(doc: ScimDoc, keptExternalId: string | null = null): GroupFields {
  return {
    name: displayNameOf(doc.displayName),
    externalId: typeof doc.externalId === 'string' && doc.externalId ? doc.externalId : keptExternalId,
    memberIds: memberIdsOf(doc),
  };
}

export function groupAfterPatch(after: ScimDoc): GroupFields {
  return {
    name: displayNameOf(after.displayName),
    externalId: typeof after.externalId === 'string' && after.externalId ? after.externalId : null,
    memberIds: memberIdsOf(after),
  };
}

/** The team key a new group asks for: its mapping, else a slug of its name (the caller makes it unique). */
export function teamKeyFor(mapping: GroupMapping, displayName: string): { key: string; mapped: boolean } {
  const mapped = mapping.teams.get(displayName);
  if (mapped) return { key: mapped, mapped: true };
  const slug = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 120);
  return { key: slug || 'group', mapped: false };
}

/** `key`, else `key-2`, `key-3`...: the first that `taken` does not hold. */
export function freeKey(key: string, taken: ReadonlySet<string>): string {
  if (!taken.has(key)) return key;
  for (let n = 2; ; n++) if (!taken.has(`${key}-${n}`)) return `${key}-${n}`;
}

/**
 * The role an identity-provider-managed member gets from their groups (team names), or null to
 * leave their role alone. SCIM never makes or unmakes an owner: an owner is changed in Gantry, by
 * an owner, and a group mapped to owner gives admin through SCIM (a SCIM token is issued by an
 * owner or an admin, and may not hand out more than an admin could).
 */
export function provisionedRole(
  mapping: GroupMapping,
  groupNames: readonly string[],
  current: MappedRole | null,
): MappedRole | null {
  if (current === 'owner') return null;
  const { role } = mapGroups(mapping, groupNames);
  const capped = role === 'owner' ? 'admin' : role;
  return capped === current ? null : capped;
}
