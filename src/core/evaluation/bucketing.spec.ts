import { createHash } from 'node:crypto';
import { bucketOfHashInput, hashPrefix } from './bucketing';
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
