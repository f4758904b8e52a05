import { createHash } from 'node:crypto';
import { SCIM_URN } from '../../core/identity/scim-schema';
import type { GantryConfig } from '../../infra/config/config';
import { SCIM_PREFIX } from '../../infra/http/scim-http';
import { userDoc, type UserFields } from '../../core/identity/scim-user';
import type { DirectoryMember, DirectoryTeam } from '../accounts/account-records';
import type { Comparison } from '../../core/identity/scim-filter';
import type { ScimResourceSchema } from '../../core/identity/scim-schema';
import { parseListQuery, type Projection } from './scim-query';

/** How Gantry's members and teams look on the wire: SCIM resources with meta, and list responses. */

/** Where resources live, as locations and $refs say: GANTRY_PUBLIC_URL's /scim/v2. */
export const scimBaseUrl = (config: GantryConfig) => `${config.identity.publicUrl}${SCIM_PREFIX}`;
export type ScimResource = Record<string, unknown> & { id: string };

export const userFields = (m: DirectoryMember): UserFields => ({
  email: m.email,
  name: m.name,
  externalId: m.externalId,
  active: m.deactivatedAt === null,
});

/** A weak ETag of what the resource says, so it changes when its groups or members do. */
const version = (body: object) => `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 20)}"`;

function withMeta(body: ScimResource, resourceType: 'User' | 'Group', created: Date, lastModified: Date, base: string) {
  return {
    ...body,
    meta: {
      resourceType,
      created: created.toISOString(),
      lastModified: lastModified.toISOString(),
      location: `${base}/${resourceType}s/${body.id}`,
      version: version(body),
    },
  };
}

export function userResource(m: DirectoryMember, base: string): ScimResource {
  const body = {
    schemas: [SCIM_URN.user],
    id: m.id,
    ...userDoc(userFields(m)),
    groups: m.teams.map((t) => ({ value: t.id, display: t.name, $ref: `${base}/Groups/${t.id}` })),
  };
  return withMeta(body, 'User', m.createdAt, m.updatedAt, base);
}

export function groupResource(t: DirectoryTeam, base: string): ScimResource {
  const body = {
    schemas: [SCIM_URN.group],
    id: t.id,
    ...(t.externalId !== null ? { externalId: t.externalId } : {}),
    displayName: t.name,
    members: t.members.map((m) => ({ value: m.id, display: m.name, type: 'User', $ref: `${base}/Users/${m.id}` })),
  };
  return withMeta(body, 'Group', t.createdAt, t.updatedAt, base);
}

/** `attributes` keeps only those (with id and schemas); `excludedAttributes` drops those. Top-level names. */
export function project(resource: ScimResource, p: Projection): ScimResource {
  const has = (list: string[] | undefined, key: string) =>
    list?.some(
      (a) =>
        a
          .replace(/^urn:.*:/, '')
          .split('.')[0]
          .toLowerCase() === key.toLowerCase(),
    ) === true;
  const keep = (key: string) =>
    key === 'id' || key === 'schemas' || (p.attributes ? has(p.attributes, key) : !has(p.excludedAttributes, key));
  return Object.fromEntries(Object.entries(resource).filter(([key]) => keep(key))) as ScimResource;
}

export function listResponse(resources: ScimResource[], totalResults: number, startIndex: number) {
  return {
    schemas: [SCIM_URN.listResponse],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** A list answer: the query parsed, its filter as criteria (null: nothing can match), one page found and rendered. */
export async function answerList<C, R>(
  schema: ScimResourceSchema,
  query: Record<string, unknown>,
  criteriaOf: (filter: Comparison[]) => C | null,
  find: (criteria: C, skip: number, take: number) => Promise<{ total: number; items: R[] }>,
  render: (record: R) => ScimResource,
) {
  const q = parseListQuery(schema, query);
  const criteria = criteriaOf(q.filter);
  const { total, items } = criteria ? await find(criteria, q.startIndex - 1, q.count) : { total: 0, items: [] };
  return listResponse(
    items.map((r) => project(render(r), q.projection)),
    total,
    q.startIndex,
  );
}
