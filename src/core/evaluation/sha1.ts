/**
 * SHA-1 of the UTF-8 bytes of a string, in plain JavaScript, for bucketing (protocols.md §2.6).
 *
 * Why not node:crypto: a bucketing input is a few dozen bytes (`key.salt.value`), and for inputs
 * that short the per-call cost of crossing into OpenSSL (argument checks, string encoding into a
 * native buffer, hex output, then parseInt over it) is several times the cost of the compression
 * itself. Here there is no allocation per call: the bytes go into a reused buffer, the state into
 * reused words, and bucketing reads the first two words directly.
 *
 * The input is given as two strings hashed as their concatenation, so that callers need not build
 * `prefix + value`. Encoding is UTF-8 exactly as Node encodes a string for hashing, lone
 * surrogates included (each becomes U+FFFD).
 */
import { compressBlock } from './sha1-block';

/** The reused message buffer; an input longer than KEEP bytes gets a buffer of its own, not kept. */
const KEEP = 64 * 1024;
let shared = new Uint8Array(256);
let bytes = shared;
/** The message words of the block being hashed. */
const W = new Int32Array(16);
/** The digest of the last call, as five big-endian 32-bit words (signed; use `>>> 0`). */
export const digest = new Int32Array(5);

/** Room for `n` message bytes plus padding and length. */
function reserve(n: number): void {
  if (n + 72 <= shared.length) bytes = shared;
  else if (n + 72 <= KEEP) bytes = shared = new Uint8Array(Math.min(KEEP, Math.max(n + 72, shared.length * 2)));
  else bytes = new Uint8Array(n + 72);
}

/** Writes the UTF-8 encoding of `s` at `at`; returns the end. The caller reserved 3 bytes per unit. */
function writeUtf8(s: string, at: number): number {
  const b = bytes;
  let n = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b[n++] = c;
      continue;
    }
    if (c < 0x800) {
      b[n++] = 0xc0 | (c >> 6);
      b[n++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        b[n++] = 0xf0 | (c >> 18);
        b[n++] = 0x80 | ((c >> 12) & 0x3f);
        b[n++] = 0x80 | ((c >> 6) & 0x3f);
        b[n++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd; // a lone surrogate
    }
    b[n++] = 0xe0 | (c >> 12);
    b[n++] = 0x80 | ((c >> 6) & 0x3f);
    b[n++] = 0x80 | (c & 0x3f);
  }
  return n;
}

/**
 * Writes `s` as ASCII at `at`; returns the end, or -1 at the first non-ASCII unit (the caller
 * then encodes the whole input as UTF-8, since a surrogate pair may straddle the two strings).
 */
function writeAscii(s: string, at: number): number {
  const b = bytes;
  let n = at;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    b[n++] = c;
  }
  return n;
}

/** SHA-1 of UTF-8(`a` + `b`) into `digest`. */
export function sha1(a: string, b: string): void {
  const units = a.length + b.length;
  // One block holds up to 55 message bytes: ASCII inputs that short (nearly every bucketing
  // input) are written straight into the message words, with no byte buffer.
  if (units <= 55) {
    const w = W;
    for (let i = 0; i < 16; i++) w[i] = 0;
    if (packAscii(a, 0) && packAscii(b, a.length)) return finishOneBlock(units);
  }
  reserve(units);
  let n = writeAscii(a, 0);
  if (n >= 0) n = writeAscii(b, n);
  if (n < 0) {
    reserve(units * 3);
    n = writeUtf8(a + b, 0);
  }
  compress(n);
  bytes = shared; // let a one-off large buffer go
}

/**
 * A hash input's fixed start (for bucketing, `key.salt.`), packed once into message words so that
 * each hash writes only the variable part. Only an ASCII prefix short enough to leave room in one
 * block is packed; any other prefix is hashed by `sha1` as a string.
 */
export class Sha1Prefix {
  /** The first message words, the prefix's bytes in place, zero after them; null when not packed. */
  readonly words: Int32Array | null;

  constructor(readonly text: string) {
    let ascii = text.length <= 55;
    for (let i = 0; ascii && i < text.length; i++) ascii = text.charCodeAt(i) < 0x80;
    if (!ascii) {
      this.words = null;
      return;
    }
    for (let i = 0; i < 16; i++) W[i] = 0;
    packAscii(text, 0);
    this.words = W.slice(0, 16);
  }
}

/** SHA-1 of UTF-8(`prefix.text` + `value`) into `digest`. */
export function sha1WithPrefix(prefix: Sha1Prefix, value: string): void {
  const words = prefix.words;
  const at = prefix.text.length;
  const length = at + value.length;
  if (words !== null && length <= 55) {
    const w = W;
    for (let i = 0; i < 16; i++) w[i] = words[i];
    if (packAscii(value, at)) return finishOneBlock(length);
  }
  sha1(prefix.text, value);
}

/**
 * ORs `s` into the message words from byte `at` (the words there are zero). False at the first
 * non-ASCII unit: the caller then falls back to UTF-8 over the whole input.
 */
function packAscii(s: string, at: number): boolean {
  const w = W;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return false;
    const j = at + i;
    w[j >> 2] |= c << ((3 - (j & 3)) << 3);
  }
  return true;
}

/** Pads a message of `length` (≤ 55) bytes already in the message words, and hashes the block. */
function finishOneBlock(length: number): void {
  const w = W;
  w[length >> 2] |= 0x80 << ((3 - (length & 3)) << 3);
  w[15] = length * 8;
  init();
  compressBlock(W, digest);
}

function init(): void {
  digest[0] = 0x67452301;
  digest[1] = 0xefcdab89 | 0;
  digest[2] = 0x98badcfe | 0;
  digest[3] = 0x10325476;
  digest[4] = 0xc3d2e1f0 | 0;
}

/** Pads the `length` message bytes in `bytes` and runs the compression function over them. */
function compress(length: number): void {
  const b = bytes;
  let end = length;
  b[end++] = 0x80;
  while ((end & 63) !== 56) b[end++] = 0;
  // The length in bits, 64-bit big-endian (the high word only matters past 512 MiB).
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  b[end++] = high >>> 24;
  b[end++] = (high >>> 16) & 0xff;
  b[end++] = (high >>> 8) & 0xff;
  b[end++] = high & 0xff;
  b[end++] = bits >>> 24;
  b[end++] = (bits >>> 16) & 0xff;
  b[end++] = (bits >>> 8) & 0xff;
  b[end++] = bits & 0xff;
  init();
  const w = W;
  for (let p = 0; p < end;) {
    for (let t = 0; t < 16; t++, p += 4) w[t] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    compressBlock(W, digest);
  }
}

/** Lower-case hex of `digest` (tests and traces; bucketing reads the words). */
export function digestHex(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += (digest[i] >>> 0).toString(16).padStart(8, '0');
  return s;
}
