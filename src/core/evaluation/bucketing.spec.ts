import { createHash } from 'node:crypto';
import { bucketOf, bucketOfHashInput, hashPrefix, topBitsOfDigest } from './bucketing';
import { bucketValue, parseContext, type Context } from './index';

const ctx = (input: unknown): Context => {
  const r = parseContext(input);
  if (!r.ok) throw new Error(r.error);
  return r.context;
};
const scaled = (b: number) => Math.floor(b * 100000);

describe('bucketing reference vectors (protocols.md §2.6, written by hand from the table)', () => {
  it('hashKey / saltyA without a seed', () => {
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyA' }), 'hashKey', 'saltyA', undefined, undefined))).toBe(
      42157,
    );
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyB' }), 'hashKey', 'saltyA', undefined, undefined))).toBe(
      67084,
    );
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyC' }), 'hashKey', 'saltyA', undefined, undefined))).toBe(
      10343,
    );
  });

  it('keeps the reference double (0.42157587, 0.67084850, 0.10343106)', () => {
    expect(bucketValue(ctx({ kind: 'user', key: 'userKeyA' }), 'hashKey', 'saltyA', 'key', 'user')).toBeCloseTo(
      0.42157587,
      8,
    );
    expect(bucketValue(ctx({ kind: 'user', key: 'userKeyB' }), 'hashKey', 'saltyA', 'key', 'user')).toBeCloseTo(
      0.6708485,
      8,
    );
    expect(bucketValue(ctx({ kind: 'user', key: 'userKeyC' }), 'hashKey', 'saltyA', 'key', 'user')).toBeCloseTo(
      0.10343106,
      8,
    );
  });

  it('seed 61 replaces key and salt', () => {
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyA' }), 'hashKey', 'saltyA', 'key', undefined, 61))).toBe(
      9801,
    );
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyB' }), 'hashKey', 'saltyA', 'key', undefined, 61))).toBe(
      14483,
    );
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyC' }), 'other', 'salt', 'key', undefined, 61))).toBe(
      92426,
    );
  });

  it('seed 0 means no seed (Node)', () => {
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'userKeyA' }), 'hashKey', 'saltyA', 'key', undefined, 0))).toBe(
      42157,
    );
    expect(hashPrefix('k', 's', 0)).toBe('k.s.');
    expect(hashPrefix('k', undefined, undefined)).toBe('k..');
    expect(hashPrefix('k', 's', 61)).toBe('61.');
  });

  it('integer attributes bucket as their decimal string', () => {
    const c = ctx({ kind: 'user', key: 'userKeyA', intAttr: 33333, other: 99999, str: '33333', nested: { n: 33333 } });
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'intAttr', undefined))).toBe(54771);
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'other', undefined))).toBe(73096);
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'str', undefined))).toBe(54771);
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', '/nested/n', 'user'))).toBe(54771);
  });

  it('segment vectors: segment3.salty', () => {
    expect(scaled(bucketValue(ctx({ kind: 'user', key: 'user-key' }), 'segment3', 'salty', undefined, undefined))).toBe(
      14950,
    );
    expect(
      scaled(bucketValue(ctx({ kind: 'user', key: 'unmatching-key' }), 'segment3', 'salty', undefined, undefined)),
    ).toBe(36563);
  });

  it('floats, booleans, missing attributes and absent kinds bucket to 0', () => {
    const c = ctx({ kind: 'user', key: 'userKeyA', f: 1.5, b: true, a: ['x'], o: { x: 1 } });
    for (const attr of ['f', 'b', 'a', 'o', 'missing', 'kind'])
      expect(bucketValue(c, 'hashKey', 'saltyA', attr, undefined)).toBe(0);
    expect(bucketValue(c, 'hashKey', 'saltyA', 'key', 'org')).toBe(0);
  });
});

describe('bucketOfHashInput', () => {
  it('equals the SDK formula parseInt(hex[0:15], 16) / 0xFFFFFFFFFFFFFFF on random inputs', () => {
    for (let i = 0; i < 20000; i++) {
      const input = `flag-${i}.salt.${Math.random().toString(36)}${'é'.repeat(i % 3)}`;
      const hex = createHash('sha1').update(input).digest('hex');
      expect(bucketOfHashInput(input)).toBe(parseInt(hex.substring(0, 15), 16) / 1152921504606847e3);
    }
  });

  it('stays in [0, 1)', () => {
    for (let i = 0; i < 2000; i++) {
      const b = bucketOfHashInput(`x.${i}`);
      expect(b >= 0 && b < 1).toBe(true);
    }
  });
});

describe('bucketOf(prefix, value)', () => {
  it('equals the SDK formula over node:crypto for prefix + value, non-ASCII values and long keys included', () => {
    const values = ['user-1', '33333', '', 'josé', '中文', 'u-😀', '\ud800', 'x'.repeat(100)];
    const prefixes = [
      hashPrefix('flag', 'salt', undefined),
      hashPrefix('flag-é', 's', undefined),
      '61.',
      `${'k'.repeat(60)}.s.`,
    ];
    for (const prefix of prefixes) {
      for (const value of values) {
        const hex = createHash('sha1')
          .update(prefix + value)
          .digest('hex');
        expect(bucketOf(prefix, value)).toBe(parseInt(hex.substring(0, 15), 16) / 1152921504606847e3);
      }
    }
  });
});

describe('topBitsOfDigest', () => {
  const hex8 = (w: number) => (w >>> 0).toString(16).padStart(8, '0');
  const viaParseInt = (w0: number, w1: number) => parseInt((hex8(w0) + hex8(w1)).substring(0, 15), 16);

  it('reads the first 15 hex digits as parseInt does, on random words', () => {
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) | 0);
    const differ: string[] = [];
    for (let i = 0; i < 100000; i++) {
      const w0 = next() >>> (i % 33); // leading zeros too, down to w0 = 0
      const w1 = next();
      if (topBitsOfDigest(w0, w1) !== viaParseInt(w0, w1)) differ.push(hex8(w0) + hex8(w1));
    }
    expect(differ).toEqual([]);
  });

  it('rounds halfway cases to even, as parseInt does', () => {
    // With w0's top bit set the 60-bit value keeps 53 bits: the 7 bits below are dropped, so
    // 0x40 in them is exactly half way; the kept bit above decides (even stays, odd rounds up).
    for (const w0 of [0x80000000, 0xffffffff, 0x8000000f, 0x12345678, 0x00000001]) {
      for (const low of [0x00, 0x3f, 0x40, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xff]) {
        for (const high of [0x0000000, 0xffff000, 0x1234500]) {
          const w1 = ((high | low) << 4) | 0xf; // the last hex digit is not read
          expect(topBitsOfDigest(w0 | 0, w1 | 0)).toBe(viaParseInt(w0, w1));
        }
      }
    }
  });
});
