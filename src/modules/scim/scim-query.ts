import { DomainError } from '../../core/errors';
import { parseFilter, resourceResolver, type Comparison } from '../../core/identity/scim-filter';
import type { ScimResourceSchema } from '../../core/identity/scim-schema';
import type { MemberCriteria, TeamCriteria } from '../accounts/account-records';

/** The most resources one list answers (ServiceProviderConfig filter.maxResults). */
export const MAX_RESULTS = 200;

/** `?filter=&startIndex=&count=&attributes=&excludedAttributes=` of a list or a read (RFC 7644 §3.4.2). */
export interface ListQuery {
  filter: Comparison[];
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
  projection: Projection;
}

export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

type Query = Record<string, unknown>;

function text(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new DomainError('scim/invalid_value', `'${name}' is given once, as text`);
  return v;
}

function integer(q: Query, name: string): number | undefined {
  const v = text(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d{1,9}$/.test(v)) throw new DomainError('scim/invalid_value', `'${name}' must be an integer (got '${v}')`);
  return Number(v);
}

const names = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function parseProjection(q: Query): Projection {
  return { attributes: names(text(q, 'attributes')), excludedAttributes: names(text(q, 'excludedAttributes')) };
}

export function parseListQuery(schema: ScimResourceSchema, q: Query): ListQuery {
  const filter = text(q, 'filter');
  // Out-of-range paging is clamped, as RFC 7644 §3.4.2.4 says: startIndex below 1 is 1, count below 0 is 0.
  const startIndex = Math.max(1, integer(q, 'startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer(q, 'count') ?? MAX_RESULTS));
  return {
    filter: filter === undefined ? [] : parseFilter(filter, resourceResolver(schema)),
    startIndex,
    count,
    projection: parseProjection(q),
  };
}

const unsupported = (path: string, supported: string) =>
  new DomainError('scim/invalid_filter', `filtering on '${path}' is not supported; filter on ${supported}`);

/**
 * Comparisons as equalities on columns; null when two of them cannot both hold (nothing matches).
 * Only what identifies a resource is filterable: an IdP looks people up, it does not search them.
 */
function criteria<C extends object>(
  filter: Comparison[],
  columns: Record<string, { key: keyof C; normalize?: (v: string) => string }>,
): C | null {
  const supported = Object.keys(columns).join(', ');
  const out: Record<string, string> = {};
  for (const { path, value } of filter) {
    const column = columns[path];
    if (!column) throw unsupported(path, supported);
    if (typeof value !== 'string') throw unsupported(`${path} eq ${JSON.stringify(value)}`, `${supported} (strings)`);
    const v = column.normalize ? column.normalize(value) : value;
    const key = column.key as string;
    if (out[key] !== undefined && out[key] !== v) return null;
    out[key] = v;
  }
  return out as C;
}

const lower = (v: string) => v.toLowerCase();

export const memberCriteria = (filter: Comparison[]): MemberCriteria | null =>
  criteria<MemberCriteria>(filter, {
    userName: { key: 'email', normalize: lower },
    'emails.value': { key: 'email', normalize: lower },
    externalId: { key: 'externalId' },
    id: { key: 'id', normalize: lower },
  });

export const teamCriteria = (filter: Comparison[]): TeamCriteria | null =>
  criteria<TeamCriteria>(filter, {
    displayName: { key: 'name' },
    externalId: { key: 'externalId' },
    id: { key: 'id', normalize: lower },
    'members.value': { key: 'memberId', normalize: lower },
  });
