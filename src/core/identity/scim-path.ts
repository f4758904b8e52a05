import type { ErrorCode } from '../error-catalogue';
import { DomainError } from '../errors';
import { findAttribute, type ScimAttribute, type ScimResourceSchema } from './scim-schema';

/**
 * Attribute paths (RFC 7644 §3.10): `userName`, `name.givenName`, `emails`, or any of them behind
 * the schema URN (`urn:ietf:params:scim:schemas:core:2.0:User:userName`). Shared by filters and
 * PATCH paths; names are matched ignoring case.
 */
export interface ResolvedAttribute {
  /** null: an attribute Gantry accepts and drops (see ScimAttribute.ignored, ignoredExtensions). */
  attribute: ScimAttribute | null;
  /** The sub-attribute after a dot, null when it is an ignored one. */
  sub?: ScimAttribute | null;
}

const NAME = /^[A-Za-z$][\w$-]*$/;

/**
 * Takes the schema URN off a path: `rest` is what follows it (empty when the path is the URN of an
 * extension itself), `ignored` when it is one of the extensions Gantry drops.
 */
export function stripSchemaUrn(
  path: string,
  schema: ScimResourceSchema,
  code: ErrorCode,
): { rest: string; ignored: boolean } {
  if (!/^urn:/i.test(path)) return { rest: path, ignored: false };
  const lower = path.toLowerCase();
  const candidates = [
    { urn: schema.id, ignored: false },
    ...schema.ignoredExtensions.map((urn) => ({ urn, ignored: true })),
  ];
  for (const { urn, ignored } of candidates) {
    const u = urn.toLowerCase();
    if (lower === u) return { rest: '', ignored: true };
    if (lower.startsWith(`${u}:`)) return { rest: path.slice(urn.length + 1), ignored };
  }
  throw new DomainError(code, `'${path}' names a schema this ${schema.name} resource does not have`);
}

/** Resolves `name` or `name.sub` (URN already stripped) against `attributes`. */
export function resolveAttribute(
  path: string,
  attributes: readonly ScimAttribute[],
  code: ErrorCode,
  what = 'attribute',
): ResolvedAttribute {
  const [head, sub, ...more] = path.split('.');
  if (!NAME.test(head ?? '') || more.length || (sub !== undefined && !NAME.test(sub)))
    throw new DomainError(code, `'${path}' is not a valid ${what} path`);
  const attribute = findAttribute(attributes, head);
  if (!attribute) throw new DomainError(code, `'${head}' is not a known ${what}`);
  if (sub === undefined) return { attribute: attribute.ignored ? null : attribute };
  if (attribute.ignored) return { attribute: null };
  if (attribute.type !== 'complex' || !attribute.subAttributes)
    throw new DomainError(code, `'${head}' has no sub-attributes (in '${path}')`);
  const subAttribute = findAttribute(attribute.subAttributes, sub);
  if (!subAttribute) throw new DomainError(code, `'${sub}' is not a sub-attribute of '${attribute.name}'`);
  return { attribute, sub: subAttribute.ignored ? null : subAttribute };
}

/** The canonical dotted spelling of a resolved path: `emails.value`, `userName`. */
export const canonicalPath = (r: ResolvedAttribute): string | null =>
  r.attribute === null || r.sub === null ? null : r.sub ? `${r.attribute.name}.${r.sub.name}` : r.attribute.name;
