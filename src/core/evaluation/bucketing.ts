import type { AttrRef } from './attribute-reference';
import type { EvalContext } from './context';
import { jsString } from './js-string';
import { digest, sha1, sha1WithPrefix, type Sha1Prefix } from './sha1';

/**
 * LaunchDarkly bucketing (protocols.md §2.6): sha1 of `prefix + value`, the first 15 hex digits
 * read with `parseInt(…, 16)` (a 60-bit integer rounded to the nearest double, exactly as the Node
 * SDK does), divided by the SDK's 0xFFFFFFFFFFFFFFF, which is 2^60 once rounded to a double: written
 * here as the double it is.
 */
const DIVISOR = 2 ** 60;

/**
 * The bucket in [0, 1) for the hash input `prefix + value` (the prefix ending in "."). The first
 * 15 hex digits are the top 60 bits of the digest: word 0 and the top 28 bits of word 1. Their
 * value as a double is `w0 * 2^28 + (w1 >>> 4)`: both terms are exact and the one addition rounds
 * to nearest, ties to even, which is what parseInt does with a 60-bit hex number (checked against
 * parseInt in bucketing.spec.ts, rounding ties included).
 */
export function bucketOf(prefix: string, value: string): number {
  sha1(prefix, value);
  return topBitsOfDigest(digest[0], digest[1]) / DIVISOR;
}

/** bucketOf with the prefix packed at compile time (what evaluation uses). */
export function bucketOfPrefixed(prefix: Sha1Prefix, value: string): number {
  sha1WithPrefix(prefix, value);
  return topBitsOfDigest(digest[0], digest[1]) / DIVISOR;
}

/** The first 15 hex digits of a digest starting with the words w0, w1, as parseInt(…, 16) reads them. */
export function topBitsOfDigest(w0: number, w1: number): number {
  return (w0 >>> 0) * 0x10000000 + ((w1 >>> 0) >>> 4);
}

/** The bucket for a complete hash input (`prefix + value`). */
export function bucketOfHashInput(input: string): number {
  return bucketOf(input, '');
}

/**
 * The hash prefix including the trailing dot. Node tests `seed ? …`, so a seed of 0 (or any
 * falsy seed) means "no seed".
 */
export function hashPrefix(key: unknown, salt: unknown, seed: unknown): string {
  return seed ? `${Number(seed)}.` : `${jsString(key)}.${jsString(salt || '')}.`;
}

/** `-1` when the attribute is not bucketable (missing, float, bool, array, object, kind absent). */
export const NOT_BUCKETABLE = -1;

/**
 * Bucket a context by an attribute of one of its kinds. Strings hash as they are, integer numbers
 * as their decimal string; anything else is NOT_BUCKETABLE (callers use bucket 0).
 */
export function bucketContext(context: EvalContext, prefix: Sha1Prefix, ref: AttrRef, kind: string): number {
  const v = context.valueOf(kind, ref);
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isInteger(v)) s = String(v);
  else return NOT_BUCKETABLE;
  return bucketOfPrefixed(prefix, s);
}
