import { JsonValue } from '../model/flag-config';
import { MAX_JSON_DEPTH } from './limits';

/** True for what JSON can carry: rejects undefined, functions, NaN/Infinity, class instances, deep nesting. */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > MAX_JSON_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  return false;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Structural equality, independent of key order. A property holding `undefined` counts as absent,
 * because optional fields of the config types may be either and both serialise the same.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = definedKeys(a as Record<string, unknown>);
  const right = definedKeys(b as Record<string, unknown>);
  if (left.length !== right.length) return false;
  return left.every(
    (key) => right.includes(key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

function definedKeys(object: Record<string, unknown>): string[] {
  return Object.keys(object).filter((key) => object[key] !== undefined);
}

/** The variation "type" LaunchDarkly keeps uniform within a flag: objects and arrays are both JSON. */
export type VariationValueType = 'string' | 'number' | 'boolean' | 'json' | 'null';

export function variationValueType(value: JsonValue): VariationValueType {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'json';
  return typeof value as 'string' | 'number' | 'boolean';
}
