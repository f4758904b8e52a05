import * as nodeCrypto from 'node:crypto';
import type { AttrRef } from './attribute-reference';
import type { EvalContext } from './context';

/**
 * LaunchDarkly bucketing (protocols.md §2.6): sha1 of `prefix + value`, the first 15 hex digits
 * read as a number, divided by 0xFFFFFFFFFFFFFFF. The Node SDK does `parseInt(hex, 16)`, which
 * rounds the 60-bit integer to the nearest double; `hi * 2^28 + lo` rounds the same way (IEEE
 * addition is correctly rounded, and parseInt of a power-of-two radix is too), and the divisor as
 * a double is exactly 2^60. bucketing.spec.ts checks this equivalence on random inputs.
 */
const DIVISOR = 0xfffffffffffffff; // === 2 ** 60 once rounded to a double, as in the SDK
const TWO_POW_28 = 0x10000000;

type OneShotHash = (algorithm: string, data: string, encoding: 'buffer') => Buffer;
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

/** sha1 digest of a string (one-shot `crypto.hash` where Node has it: no Hash object per call). */
export const sha1: (input: string) => Buffer =
  typeof oneShot === 'function'
    ? (input) => oneShot('sha1', input, 'buffer')
    : (input) => nodeCrypto.createHash('sha1').update(input).digest();

/** The bucket in [0, 1) for a complete hash input (`prefix + "." + value`). */
export function bucketOfHashInput(input: string): number {
  const d = sha1(input);
  const hi = d.readUInt32BE(0);
  const lo = d.readUInt32BE(4) >>> 4;
  return (hi * TWO_POW_28 + lo) / DIVISOR;
}

/**
 * The hash prefix including the trailing dot. Node tests `seed ? …`, so a seed of 0 (or any
 * falsy seed) means "no seed".
 */
export function hashPrefix(key: unknown, salt: unknown, seed: unknown): string {
  return seed ? `${Number(seed)}.` : `${key}.${salt || ''}.`;
}

/** `-1` when the attribute is not bucketable (missing, float, bool, array, object, kind absent). */
export const NOT_BUCKETABLE = -1;

/**
 * Bucket a context by an attribute of one of its kinds. Strings hash as they are, integer numbers
 * as their decimal string; anything else is NOT_BUCKETABLE (callers use bucket 0).
 */
export function bucketContext(context: EvalContext, prefix: string, ref: AttrRef, kind: string): number {
  const v = context.valueOf(kind, ref);
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isInteger(v)) s = String(v);
  else return NOT_BUCKETABLE;
  return bucketOfHashInput(prefix + s);
}
