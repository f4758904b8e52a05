import { JsonValue } from '../model/flag-config';
import { isJsonValue, isPlainObject } from './json-value';
import { CONTEXT_KIND_PATTERN, MAX_STRING_LENGTH, MAX_VALUES_PER_INSTRUCTION, RESERVED_CONTEXT_KINDS } from './limits';
import { PatchError } from './patch-error';

export interface StringRules {
  /** Default MAX_STRING_LENGTH. */
  max?: number;
  allowEmpty?: boolean;
  pattern?: RegExp;
  /** Says what the pattern means in the error, e.g. "a tag". */
  patternName?: string;
}

/**
 * Typed, path-aware reads of one untrusted instruction object (or a nested object in it). Every
 * failure throws a PatchError carrying the instruction index and the full field path, so handlers
 * stay free of type checks. Unknown fields are refused up front: a typo such as `variation` for
 * `variationId` must not be silently ignored.
 */
export class Fields {
  constructor(
    readonly index: number,
    private readonly raw: Record<string, unknown>,
    allowed: readonly string[],
    private readonly path = '',
  ) {
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key)) this.fail(`unknown field '${key}'`, key);
    }
  }

  fail(reason: string, field?: string): never {
    throw PatchError.at(this.index, reason, field === undefined ? this.path || undefined : this.pathOf(field));
  }

  pathOf(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  /** Present and not null: optional fields treat null like absence, as JSON clients often send it. */
  has(field: string): boolean {
    return this.raw[field] !== undefined && this.raw[field] !== null;
  }

  /** Present at all, null included: for fields where null is a value (a variation's value). */
  isPresent(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  /** Distinguishes an explicit null (meaning "clear") from an absent field. */
  isNull(field: string): boolean {
    return this.raw[field] === null;
  }

  string(field: string, rules: StringRules = {}): string {
    const value = this.raw[field];
    if (value === undefined || value === null) this.fail('is required', field);
    return this.checkString(value, field, rules);
  }

  optString(field: string, rules: StringRules = {}): string | undefined {
    return this.has(field) ? this.string(field, rules) : undefined;
  }

  optBoolean(field: string): boolean | undefined {
    if (!this.has(field)) return undefined;
    const value = this.raw[field];
    if (typeof value !== 'boolean') this.fail('must be a boolean', field);
    return value;
  }

  integer(field: string, min: number, max: number): number {
    const value = this.raw[field];
    if (value === undefined || value === null) this.fail('is required', field);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`must be an integer from ${min} to ${max}`, field);
    }
    return value;
  }

  optContextKind(field: string): string | undefined {
    const kind = this.optString(field, {
      pattern: CONTEXT_KIND_PATTERN,
      patternName: 'a context kind ([A-Za-z0-9_.-])',
    });
    if (kind !== undefined && RESERVED_CONTEXT_KINDS.includes(kind))
      this.fail(`'${kind}' is not a valid context kind`, field);
    return kind;
  }

  /** A required value of any JSON type, null included. */
  json(field: string): JsonValue {
    const value = this.raw[field];
    if (value === undefined) this.fail('is required', field);
    if (!isJsonValue(value)) this.fail('must be a JSON value', field);
    return value;
  }

  array(field: string, options: { min?: number; max?: number } = {}): unknown[] {
    const value = this.raw[field];
    if (value === undefined || value === null) this.fail('is required', field);
    if (!Array.isArray(value)) this.fail('must be an array', field);
    const { min = 0, max = MAX_VALUES_PER_INSTRUCTION } = options;
    if (value.length < min) this.fail(min === 1 ? 'must not be empty' : `must have at least ${min} items`, field);
    if (value.length > max) this.fail(`must have at most ${max} items`, field);
    return value;
  }

  stringList(field: string, rules: StringRules = {}, options: { min?: number } = {}): string[] {
    return this.array(field, options).map((item, i) => this.checkString(item, `${field}[${i}]`, rules));
  }

  /** Clause values: any JSON, strings bounded like every other string. */
  jsonList(field: string): JsonValue[] {
    return this.array(field).map((item, i) => {
      if (!isJsonValue(item)) this.fail('must be a JSON value', `${field}[${i}]`);
      if (typeof item === 'string' && item.length > MAX_STRING_LENGTH) {
        this.fail(`must be at most ${MAX_STRING_LENGTH} characters`, `${field}[${i}]`);
      }
      return item;
    });
  }

  object(field: string, allowed: readonly string[]): Fields {
    const value = this.raw[field];
    if (value === undefined || value === null) this.fail('is required', field);
    if (!isPlainObject(value)) this.fail('must be an object', field);
    return new Fields(this.index, value, allowed, this.pathOf(field));
  }

  objectList(field: string, allowed: readonly string[], options: { min?: number; max?: number } = {}): Fields[] {
    return this.array(field, options).map((item, i) => {
      const path = `${field}[${i}]`;
      if (!isPlainObject(item)) this.fail('must be an object', path);
      return new Fields(this.index, item, allowed, this.pathOf(path));
    });
  }

  /** An object with arbitrary keys (e.g. rolloutWeights); its entries are checked by the caller. */
  record(field: string): Record<string, unknown> {
    const value = this.raw[field];
    if (value === undefined || value === null) this.fail('is required', field);
    if (!isPlainObject(value)) this.fail('must be an object', field);
    return value;
  }

  private checkString(value: unknown, field: string, rules: StringRules): string {
    const { max = MAX_STRING_LENGTH, allowEmpty = false, pattern, patternName } = rules;
    if (typeof value !== 'string') this.fail('must be a string', field);
    if (!allowEmpty && value.length === 0) this.fail('must not be empty', field);
    if (value.length > max) this.fail(`must be at most ${max} characters`, field);
    if (pattern && !pattern.test(value)) this.fail(`'${value}' is not ${patternName ?? 'valid'}`, field);
    return value;
  }
}
