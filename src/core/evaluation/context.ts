import type { AttrRef } from './attribute-reference';
import { jsString } from './js-string';

/**
 * Evaluation contexts (protocols.md §2.1), validated the way js-sdk-common's Context does, with
 * one deliberate difference: a multi-kind context may not contain a kind named `multi` (Node
 * accepts it; the LaunchDarkly spec and the Go SDK do not).
 *
 * Single-kind input objects are used as they are (not copied), like the SDK: parse once per
 * request and do not mutate the input afterwards.
 */

/** Parsed, validated context (single, multi-kind, or legacy user converted to kind user). */
export interface Context {
  readonly kinds: readonly string[];
  readonly canonicalKey: string;
  readonly valid: true;
}

type Attributes = Record<string, unknown>;

const KIND_PATTERN = /^[A-Za-z0-9_.-]+$/;
const LEGACY_BUILTINS = ['name', 'ip', 'firstName', 'lastName', 'email', 'avatar', 'country'] as const;

function encodeKey(key: string): string {
  return key.includes('%') || key.includes(':') ? key.replace(/%/g, '%25').replace(/:/g, '%3A') : key;
}

export class EvalContext implements Context {
  readonly valid = true as const;
  private canonical: string | undefined;

  private constructor(
    readonly kinds: readonly string[],
    /** The kind of a single-kind context; undefined for multi-kind. */
    private readonly singleKind: string | undefined,
    /** Single-kind: the attributes. Multi-kind: the `{kind: attributes}` input object. */
    private readonly data: Attributes,
  ) {}

  static single(kind: string, attributes: Attributes): EvalContext {
    return new EvalContext(Object.freeze([kind]), kind, attributes);
  }

  static multi(kinds: string[], input: Attributes): EvalContext {
    return new EvalContext(Object.freeze(kinds), undefined, input);
  }

  get canonicalKey(): string {
    if (this.canonical === undefined) {
      if (this.singleKind === 'user') this.canonical = this.data.key as string;
      else if (this.singleKind !== undefined)
        this.canonical = `${this.singleKind}:${encodeKey(this.data.key as string)}`;
      else {
        this.canonical = [...this.kinds]
          .sort()
          .map((k) => `${k}:${encodeKey((this.data[k] as Attributes).key as string)}`)
          .join(':');
      }
    }
    return this.canonical;
  }

  /** The attributes of one kind, or undefined when the context has no such kind. */
  forKind(kind: string): Attributes | undefined {
    if (this.singleKind !== undefined) return kind === this.singleKind ? this.data : undefined;
    if (kind === 'kind' || !Object.hasOwn(this.data, kind)) return undefined;
    return this.data[kind] as Attributes;
  }

  hasKind(kind: string): boolean {
    return this.forKind(kind) !== undefined;
  }

  /** The key for a kind (always a string for a present kind), or undefined. */
  keyFor(kind: string): string | undefined {
    const attrs = this.forKind(kind);
    return attrs === undefined ? undefined : (attrs.key as string);
  }

  /** Value of an attribute reference in one kind (protocols.md §2.2); undefined when absent. */
  valueOf(kind: string, ref: AttrRef): unknown {
    if (ref.isKind) return this.kinds;
    if (!ref.valid) return undefined;
    const attrs = this.forKind(kind);
    if (attrs === undefined) return undefined;
    if (ref.isAnonymous) return !!attrs.anonymous;
    const components = ref.components;
    let current: unknown = attrs;
    for (let i = 0; i < components.length; i++) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      const name = components[i];
      const next = (current as Attributes)[name];
      // Only own properties count (a missing one is usually undefined already: skip hasOwn then).
      if (next === undefined || !Object.hasOwn(current, name)) return undefined;
      current = next;
    }
    return current;
  }
}

export type ParseContextResult = { ok: true; context: Context } | { ok: false; error: string };

const fail = (error: string): ParseContextResult => ({ ok: false, error });
const isObject = (v: unknown): v is Attributes => typeof v === 'object' && v !== null;
const validKind = (kind: unknown): kind is string =>
  typeof kind === 'string' && kind !== 'kind' && KIND_PATTERN.test(kind);
const validKey = (key: unknown): key is string => typeof key === 'string' && key !== '';

function fromLegacyUser(user: Attributes): ParseContextResult {
  if (user.key === undefined || user.key === null) return fail('The key for the context was not valid');
  // Like the SDK: custom attributes first, then kind/key, then the non-null built-ins.
  const custom = user.custom;
  const attrs: Attributes = { ...(custom || []), kind: 'user', key: jsString(user.key) };
  if (user.anonymous !== undefined && user.anonymous !== null) {
    delete attrs.anonymous;
    attrs.anonymous = !!user.anonymous;
  }
  for (const name of LEGACY_BUILTINS) {
    const v = user[name];
    if (v !== undefined && v !== null) attrs[name] = v;
  }
  // `secondary` is dropped; private attribute names only matter for events.
  if (user.privateAttributeNames !== undefined && user.privateAttributeNames !== null) {
    attrs._meta = { privateAttributes: user.privateAttributeNames };
  }
  return { ok: true, context: EvalContext.single('user', attrs) };
}

function fromMulti(input: Attributes): ParseContextResult {
  const kinds = Object.keys(input).filter((k) => k !== 'kind');
  if (kinds.length === 0) return fail('A multi-kind context must contain at least one kind');
  for (const kind of kinds) {
    if (!validKind(kind) || kind === 'multi') return fail('Context contains invalid kinds');
  }
  for (const kind of kinds) {
    if (!isObject(input[kind])) return fail('Context contained contexts that were not objects');
  }
  for (const kind of kinds) {
    if (!validKey((input[kind] as Attributes).key)) return fail('Context contained invalid keys');
  }
  if (kinds.length === 1) {
    const kind = kinds[0];
    return { ok: true, context: EvalContext.single(kind, { ...(input[kind] as Attributes), kind }) };
  }
  return { ok: true, context: EvalContext.multi(kinds, input) };
}

/** Validates a context as the Node SDK does; an error maps to USER_NOT_SPECIFIED for callers. */
export function parseContext(input: unknown): ParseContextResult {
  if (!input) return fail('No context specified');
  if (typeof input !== 'object') return fail('Context was not an object');
  const obj = input as Attributes;
  const kind = obj.kind;
  if (!('kind' in obj) || kind === undefined || kind === null) return fromLegacyUser(obj);
  if (typeof kind !== 'string') return fail('Context was not of a valid kind');
  if (kind === 'multi') return fromMulti(obj);
  if (!validKind(kind)) return fail('The kind was not valid for the context');
  if (!validKey(obj.key)) return fail('The key for the context was not valid');
  return { ok: true, context: EvalContext.single(kind, obj) };
}
