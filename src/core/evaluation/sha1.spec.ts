import { createHash } from 'node:crypto';
import { digestHex, sha1, sha1WithPrefix, Sha1Prefix } from './sha1';

const nodeSha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');
const ours = (a: string, b = '') => {
  sha1(a, b);
  return digestHex();
};

/** A deterministic pseudo-random generator, so that a failure can be reproduced. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function randomString(next: () => number, length: number, alphabet: readonly number[] | null): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    // null alphabet: any UTF-16 code unit, lone surrogates included.
    s += String.fromCharCode(
      alphabet === null ? Math.floor(next() * 0x10000) : alphabet[Math.floor(next() * alphabet.length)],
    );
  }
  return s;
}

const ASCII = Array.from({ length: 128 }, (_, i) => i);
const MIXED = [...'abcXYZ09.-_'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x3b1, 0x4e2d, 0xd83d, 0xde00, 0xfffd, 0]);

describe('sha1 (JavaScript, UTF-8) against node:crypto', () => {
  it('matches the standard vectors', () => {
    expect(ours('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(ours('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(ours('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it('matches on ASCII inputs of every length across the block boundaries (0–300 bytes)', () => {
    const next = rng(1);
    for (let n = 0; n <= 300; n++) {
      for (let k = 0; k < 5; k++) {
        const s = randomString(next, n, ASCII);
        expect(ours(s)).toBe(nodeSha1(s));
      }
    }
  });

  it('hashes (a, b) as a + b at every split point', () => {
    const next = rng(2);
    for (const n of [0, 1, 30, 55, 56, 63, 64, 65, 119, 120, 200]) {
      const s = randomString(next, n, MIXED);
      for (let split = 0; split <= n; split++) expect(ours(s.slice(0, split), s.slice(split))).toBe(nodeSha1(s));
    }
  });

  it('encodes non-ASCII as UTF-8: 2-, 3- and 4-byte characters, and a surrogate pair split between a and b', () => {
    for (const s of [
      'é',
      'flag.salt.josé',
      'ключ',
      '中文键',
      'user-😀',
      '😀'.repeat(40),
      'a\u0000b',
      '\u07ff\u0800\uffff',
    ])
      expect(ours(s)).toBe(nodeSha1(s));
    const pair = '😀';
    expect(ours(`k.s.x${pair[0]}`, `${pair[1]}y`)).toBe(nodeSha1(`k.s.x${pair}y`));
  });

  it('encodes lone surrogates as U+FFFD, as Node does', () => {
    for (const s of ['\ud800', '\udc00', 'a\ud83db', 'a\ude00b', '\ude00\ud83d', `${'x'.repeat(54)}\ud83d`])
      expect(ours(s)).toBe(nodeSha1(s));
  });

  it('matches on random UTF-16 strings, lone surrogates included', () => {
    const next = rng(3);
    for (let i = 0; i < 2000; i++) {
      const s = randomString(next, Math.floor(next() * 150), i % 2 === 0 ? null : MIXED);
      expect(ours(s)).toBe(nodeSha1(s));
    }
  });

  it('matches on long inputs (the buffer grows, or a one-off buffer past 64 KiB) and stays right afterwards', () => {
    const next = rng(4);
    for (const n of [1000, 4096, 100_000, 1_000_003]) {
      const s = randomString(next, n, n % 2 === 0 ? ASCII : MIXED);
      expect(ours(s)).toBe(nodeSha1(s));
    }
    expect(ours('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    const medium = randomString(next, 300, MIXED); // the shared buffer again, after a one-off large one
    expect(ours(medium)).toBe(nodeSha1(medium));
  });

  it('hashes a packed prefix + value as the concatenation, packed or not (long, non-ASCII), whatever ran between', () => {
    const next = rng(5);
    const prefixes = ['', 'k.s.', 'flag-0004.flag-0004-salt.', '61.', 'x'.repeat(54), 'x'.repeat(55), 'y'.repeat(56)];
    prefixes.push('clé.sel.', `k.${'😀'[0]}`, 'z'.repeat(200));
    const packed = prefixes.map((p) => new Sha1Prefix(p));
    ours(randomString(next, 500, MIXED)); // the shared buffers hold other data now
    const values = ['', 'user-1', '33333', 'é', '😀'[1] + 'tail', 'v'.repeat(30), 'w'.repeat(60)];
    for (let i = 0; i < 50; i++) values.push(randomString(next, Math.floor(next() * 40), i % 2 ? ASCII : MIXED));
    for (const [i, p] of packed.entries()) {
      for (const v of values) {
        sha1WithPrefix(p, v);
        expect([prefixes[i], v, digestHex()]).toEqual([prefixes[i], v, nodeSha1(prefixes[i] + v)]);
      }
    }
  });
});
