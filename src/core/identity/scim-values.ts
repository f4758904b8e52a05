import { DomainError } from '../errors';
import { findAttribute, type ScimAttribute, type ScimResourceSchema } from './scim-schema';

/**
 * SCIM values as Gantry keeps them while it works on a resource: a document of canonical attribute
 * names (`userName`, `name.givenName`, `emails[].value`), whatever case or shape the client sent.
 * Booleans may arrive as strings ("False", as Entra ID has sent them); anything else of the wrong
 * type is refused (scimType invalidValue), never coerced into something the client did not say.
 */
export type ScimDoc = Record<string, unknown>;
export type ScimElement = Record<string, unknown>;

export const MAX_STRING = 1024;
/** Values of one multi-valued attribute in one request (members added at once, say). */
export const MAX_VALUES = 1000;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const invalid = (message: string) => new DomainError('scim/invalid_value', message);

/** A string, boolean or reference value; null means "no value" (RFC 7643 §2.5). */
export function normalizeScalar(attribute: ScimAttribute, value: unknown): string | boolean | null {
  if (value === null) return null;
  if (attribute.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw invalid(`'${attribute.name}' must be a boolean, not ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  if (typeof value !== 'string') throw invalid(`'${attribute.name}' must be a string`);
  if (value.length > MAX_STRING) throw invalid(`'${attribute.name}' is longer than ${MAX_STRING} characters`);
  return value;
}

/** One complex value (a name, an email, a member): its known sub-attributes, canonically named. */
export function normalizeComplex(attribute: ScimAttribute, value: unknown): ScimElement {
  if (!isPlainObject(value)) throw invalid(`'${attribute.name}' must be an object`);
  const out: ScimElement = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = findAttribute(attribute.subAttributes, key);
    if (!sub || sub.ignored || sub.readOnly) continue;
    const normalized = normalizeScalar(sub, v);
    if (normalized !== null) out[sub.name] = normalized;
  }
  return out;
}

/** The values of a multi-valued attribute; a single object is one value. */
export function normalizeMulti(attribute: ScimAttribute, value: unknown): ScimElement[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_VALUES)
    throw invalid(`'${attribute.name}' takes at most ${MAX_VALUES} values in one request (got ${list.length})`);
  return list.map((v) => normalizeComplex(attribute, v));
}

/** Any attribute's value, by its definition. */
export function normalizeAttribute(attribute: ScimAttribute, value: unknown): unknown {
  if (attribute.multiValued) return normalizeMulti(attribute, value);
  if (attribute.type === 'complex') return normalizeComplex(attribute, value);
  return normalizeScalar(attribute, value);
}

/**
 * A POST or PUT body as a document. Attributes Gantry does not keep, read-only ones and unknown
 * ones are dropped: identity providers send whatever their mappings hold, and the attributes that
 * matter are checked by the resource's own mapping (userName, displayName...).
 */
export function normalizeResource(schema: ScimResourceSchema, body: unknown): ScimDoc {
  if (!isPlainObject(body))
    throw new DomainError('scim/invalid_syntax', `a ${schema.name} is a JSON object of its attributes`);
  const doc: ScimDoc = {};
  for (const [key, value] of Object.entries(body)) {
    const attribute = findAttribute(schema.attributes, key);
    if (!attribute || attribute.ignored || attribute.readOnly || value === null) continue;
    const normalized = normalizeAttribute(attribute, value);
    if (normalized !== null) doc[attribute.name] = normalized;
  }
  return doc;
}

/** Two values of a multi-valued attribute are the same when their `value`s are (emails ignoring case). */
export function sameElement(attribute: ScimAttribute, a: ScimElement, b: ScimElement): boolean {
  const exact = findAttribute(attribute.subAttributes, 'value')?.caseExact === true;
  if (typeof a.value !== 'string' || typeof b.value !== 'string') return JSON.stringify(a) === JSON.stringify(b);
  return exact ? a.value === b.value : a.value.toLowerCase() === b.value.toLowerCase();
}

/** Keeps the first of equal values (a later duplicate adds nothing). */
export function dedupe(attribute: ScimAttribute, list: readonly ScimElement[]): ScimElement[] {
  const out: ScimElement[] = [];
  for (const e of list) if (!out.some((o) => sameElement(attribute, o, e))) out.push(e);
  return out;
}
