import { DomainError } from '../errors';
import { matchesAll, parseFilter, type Comparison } from './scim-filter';
import { canonicalPath, resolveAttribute, stripSchemaUrn } from './scim-path';
import { findAttribute, type ScimAttribute, type ScimResourceSchema } from './scim-schema';
import {
  dedupe,
  isPlainObject,
  normalizeAttribute,
  normalizeComplex,
  normalizeMulti,
  normalizeScalar,
  sameElement,
  type ScimDoc,
  type ScimElement,
} from './scim-values';

/**
 * The PATCH interpreter (RFC 7644 §3.5.2): applies a PatchOp request to a resource document and
 * returns the new document; the caller maps it back to Gantry's records. It speaks both dialects
 * the big identity providers write:
 *
 * - Okta: `{"op":"replace","value":{"active":false}}` (no path: the value is an object of attributes),
 *   `{"op":"remove","path":"members[value eq \"<id>\"]"}`, `{"op":"add","path":"members","value":[...]}`;
 * - Entra ID: `{"op":"Replace","path":"active","value":"False"}` (ops capitalised, booleans as strings),
 *   `{"op":"Replace","path":"emails[type eq \"work\"].value","value":"..."}`,
 *   `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}` (removes those members only).
 *
 * A path naming no attribute of the schema is refused (invalidPath), one naming a read-only
 * attribute too (mutability); attributes Gantry does not keep are accepted and dropped.
 */
export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

export const MAX_OPERATIONS = 100;
const MAX_PATH = 1000;

const syntax = (message: string) => new DomainError('scim/invalid_syntax', message);

/** Checks the PatchOp envelope: `Operations`, each with an op, an optional path, a value. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw syntax('a PATCH body is a PatchOp object with Operations');
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = key === undefined ? undefined : body[key];
  if (!Array.isArray(operations) || operations.length === 0)
    throw syntax('a PATCH body needs a non-empty Operations array');
  if (operations.length > MAX_OPERATIONS)
    throw new DomainError('scim/invalid_value', `a PATCH takes at most ${MAX_OPERATIONS} operations`);
  return operations.map((raw, i) => {
    if (!isPlainObject(raw)) throw syntax(`Operations[${i}] must be an object`);
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw syntax(`Operations[${i}].op must be add, replace or remove (got ${JSON.stringify(raw.op)})`);
    if (raw.path !== undefined && (typeof raw.path !== 'string' || raw.path.length > MAX_PATH))
      throw syntax(`Operations[${i}].path must be a string of at most ${MAX_PATH} characters`);
    const path = raw.path?.trim() || undefined;
    if (op !== 'remove' && raw.value === undefined) throw syntax(`Operations[${i}] (${op}) needs a value`);
    return { op, ...(path !== undefined ? { path } : {}), ...(raw.value !== undefined ? { value: raw.value } : {}) };
  });
}

/** Where an operation points: an attribute, maybe a value filter, maybe a sub-attribute. */
interface Target {
  /** null: dropped (an attribute or extension Gantry does not keep). */
  attribute: ScimAttribute | null;
  filter?: Comparison[];
  sub?: ScimAttribute | null;
}

const VALUE_PATH = /^([^[\]]+)\[(.*)\](?:\.([^.[\]]+))?$/;

function parseTarget(schema: ScimResourceSchema, path: string): Target {
  const code = 'scim/invalid_path';
  const { rest, ignored } = stripSchemaUrn(path, schema, code);
  if (ignored) return { attribute: null };
  const valuePath = VALUE_PATH.exec(rest);
  if (!valuePath) return resolveAttribute(rest, schema.attributes, code);
  const [, name, filterText, subName] = valuePath;
  const { attribute, sub } = resolveAttribute(name, schema.attributes, code);
  if (attribute === null) return { attribute: null };
  if (sub !== undefined || !attribute.multiValued)
    throw new DomainError(code, `'${path}': only a multi-valued attribute takes a [filter]`);
  const filter = parseFilter(
    filterText,
    (written) => {
      const resolved = resolveAttribute(written, attribute.subAttributes ?? [], code, `sub-attribute of ${name}`);
      const canonical = canonicalPath(resolved);
      if (canonical === null) throw new DomainError(code, `'${path}': Gantry does not keep '${written}'`);
      return { path: canonical, attribute: resolved.attribute! };
    },
    code,
  );
  if (subName === undefined) return { attribute, filter };
  const subAttribute = findAttribute(attribute.subAttributes, subName);
  if (!subAttribute) throw new DomainError(code, `'${subName}' is not a sub-attribute of '${attribute.name}'`);
  return { attribute, filter, sub: subAttribute.ignored ? null : subAttribute };
}

/** Applies every operation in order, to a copy; throws on the first that cannot apply (nothing is written). */
export function applyPatch(schema: ScimResourceSchema, doc: ScimDoc, operations: readonly PatchOperation[]): ScimDoc {
  const out = structuredClone(doc);
  for (const op of operations) {
    if (op.path !== undefined) {
      applyAt(out, op.op, parseTarget(schema, op.path), op.value, false);
      continue;
    }
    if (op.op === 'remove') throw new DomainError('scim/no_target', 'a remove operation needs a path');
    if (!isPlainObject(op.value))
      throw new DomainError('scim/invalid_value', `a ${op.op} without a path takes an object of attributes`);
    // Each key is a path of its own: `active`, `name.givenName`, or an extension's URN holding its attributes.
    for (const [key, value] of Object.entries(op.value)) applyAt(out, op.op, parseTarget(schema, key), value, true);
  }
  return out;
}

function applyAt(doc: ScimDoc, op: PatchOpName, target: Target, value: unknown, inValueObject: boolean): void {
  const { attribute, filter, sub } = target;
  if (attribute === null || sub === null) return;
  if (attribute.readOnly) {
    // Okta repeats the id (and clients the schemas) inside a value object: harmless, ignored.
    if (inValueObject) return;
    throw new DomainError('scim/mutability', `'${attribute.name}' is read-only`);
  }
  if (attribute.multiValued) return applyMulti(doc, op, attribute, filter, sub, value);
  const key = attribute.name;
  if (sub) {
    const current = isPlainObject(doc[key]) ? { ...doc[key] } : {};
    setOrDelete(current, sub.name, op === 'remove' ? null : normalizeScalar(sub, value));
    doc[key] = current;
    return;
  }
  if (op === 'remove' || value === null) {
    delete doc[key];
    return;
  }
  if (attribute.type === 'complex') {
    // add and replace both set the sub-attributes given and leave the others (RFC 7644 §3.5.2.1, §3.5.2.3).
    doc[key] = { ...(isPlainObject(doc[key]) ? doc[key] : {}), ...normalizeComplex(attribute, value) };
    return;
  }
  setOrDelete(doc, key, normalizeAttribute(attribute, value));
}

function applyMulti(
  doc: ScimDoc,
  op: PatchOpName,
  attribute: ScimAttribute,
  filter: Comparison[] | undefined,
  sub: ScimAttribute | undefined,
  value: unknown,
): void {
  const key = attribute.name;
  const list = Array.isArray(doc[key]) ? (doc[key] as ScimElement[]) : [];
  const selected = filter ? list.filter((e) => matchesAll(e, filter)) : list;
  const isSelected = (e: ScimElement) => selected.includes(e);

  if (sub) {
    if (op === 'remove') {
      doc[key] = list.map((e) => (isSelected(e) ? omit(e, sub.name) : e));
      return;
    }
    const v = normalizeScalar(sub, value);
    // Entra sets `emails[type eq "work"].value` whether or not a work email exists yet: create it.
    if (selected.length === 0) doc[key] = [...list, { ...equalities(filter), [sub.name]: v }];
    else doc[key] = list.map((e) => (isSelected(e) ? { ...e, [sub.name]: v } : e));
    return;
  }
  if (filter) {
    if (op === 'remove') {
      doc[key] = list.filter((e) => !isSelected(e));
      return;
    }
    if (selected.length === 0)
      throw new DomainError('scim/no_target', `no value of '${key}' matches the filter of this ${op}`);
    const v = normalizeComplex(attribute, value);
    doc[key] = list.map((e) => (!isSelected(e) ? e : op === 'replace' ? v : { ...e, ...v }));
    return;
  }
  if (op === 'remove') {
    // With values (Entra's member removal) only those go; without, all of them.
    if (value === undefined || value === null) delete doc[key];
    else {
      const gone = normalizeMulti(attribute, value);
      doc[key] = list.filter((e) => !gone.some((g) => sameElement(attribute, e, g)));
    }
    return;
  }
  const values = value === null ? [] : normalizeMulti(attribute, value);
  doc[key] = dedupe(attribute, op === 'replace' ? values : [...list, ...values]);
}

function setOrDelete(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === null || value === undefined) delete target[key];
  else target[key] = value;
}

const omit = (e: ScimElement, key: string): ScimElement =>
  Object.fromEntries(Object.entries(e).filter(([k]) => k !== key));

/** `type eq "work"` as `{ type: 'work' }`, for a value a filtered path creates. */
const equalities = (filter: Comparison[] | undefined): ScimElement =>
  Object.fromEntries((filter ?? []).map((c) => [c.path, c.value]));
