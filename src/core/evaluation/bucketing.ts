import * as nodeCrypto from 'node:crypto';
import type { AttrRef } from './attribute-reference';
import type { EvalContext } from './context';
import { jsString } from './js-string';

/**
 * LaunchDarkly bucketing (protocols.md §2.6): sha1 of `prefix + value`, the first 15 hex digits
 * read with `parseInt(…, 16)` (a 60-bit integer rounded to the nearest double, exactly as the Node
 * SDK does), divided by the SDK's 0xFFFFFFFFFFFFFFF, which is 2^60 once rounded to a double: written
 * here as the double it is.
 */
const DIVISOR = 2 ** 60;

type OneShotHash = (algorithm: string, data: string, encoding: 'hex') => string;
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

/**
 * Hex sha1 of a string. The one-shot `crypto.hash` (Node >= 20.12) costs about a third of
 * createHash().update().digest(), and hex output is cheaper than a Buffer.
 */
export const sha1Hex: (input: string) => string =
  typeof oneShot === 'function'
    ? (input) => oneShot('sha1', input, 'hex')
    : (input) => nodeCrypto.createHash('sha1').update(input).digest('hex');

/** The bucket in [0, 1) for a complete hash input (`prefix + value`, the prefix ending in "."). */
export function bucketOfHashInput(input: string): number {
  return parseInt(sha1Hex(input).substring(0, 15), 16) / DIVISOR;
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
export function bucketContext(context: EvalContext, prefix: string, ref: AttrRef, kind: string): number {
  const v = context.valueOf(kind, ref);
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isInteger(v)) s = String(v);
  else return NOT_BUCKETABLE;
  return bucketOfHashInput(prefix + s);
}
