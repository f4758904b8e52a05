/**
 * The last few request bodies a trigger received, kept to help whoever wires up the caller (a CI
 * job, a monitoring tool) see what it sends. Bounded: RECENT_BODIES entries of at most
 * MAX_KEPT_BODY_BYTES each. Bodies are whatever the caller sent, so they are made storable
 * rather than validated: PostgreSQL's jsonb refuses NUL characters and unpaired surrogates, and a
 * body must never be the reason a trigger fails.
 */
export const RECENT_BODIES = 10;
export const MAX_KEPT_BODY_BYTES = 4096;

export type FireOutcome = 'changed' | 'unchanged' | 'failed';

export interface KeptBody {
  at: string;
  /** The body as sent (null when there was none); a JSON text cut to MAX_KEPT_BODY_BYTES when `truncated`. */
  body: unknown;
  truncated: boolean;
  /** Size of the body as JSON, in bytes. */
  bytes: number;
  outcome: FireOutcome;
  /** The environment's configuration version after the call (changed or unchanged). */
  version?: number;
  /** Why the call failed (the write path's code). */
  code?: string;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// PostgreSQL text cannot hold NUL: replaced like an unpaired surrogate.
const NUL = new RegExp(String.fromCharCode(0), 'g');
const storableText = (s: string) => s.replace(UNPAIRED_SURROGATE, '\uFFFD').replace(NUL, '\uFFFD');

/** A copy of a parsed JSON value whose strings (keys too) PostgreSQL's jsonb accepts. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableText(k), storable(v)]),
    );
  }
  // Numbers, booleans and null; anything that is not JSON (cannot come from a parsed body) is dropped.
  return typeof value === 'number' || typeof value === 'boolean' || value === null ? value : null;
}

/** Cuts a UTF-8 text to at most `max` bytes without splitting a character. */
export function truncateUtf8(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export function keptBody(
  body: unknown,
  at: Date,
  result: { outcome: FireOutcome; version?: number; code?: string },
): KeptBody {
  const clean = storable(body === undefined ? null : body);
  const json = JSON.stringify(clean);
  const bytes = Buffer.byteLength(json, 'utf8');
  const truncated = bytes > MAX_KEPT_BODY_BYTES;
  return {
    at: at.toISOString(),
    body: truncated ? truncateUtf8(json, MAX_KEPT_BODY_BYTES) : clean,
    truncated,
    bytes,
    ...result,
  };
}

/** Newest first, at most RECENT_BODIES. */
export function withRecentBody(previous: unknown, entry: KeptBody): KeptBody[] {
  const list = Array.isArray(previous) ? (previous as KeptBody[]) : [];
  return [entry, ...list].slice(0, RECENT_BODIES);
}
