/**
 * LaunchDarkly bucketing reference vectors (../shared/notes/protocols.md §2.6). Upstream checks
 * these in Go code, not in the data files, so they are typed in here by hand from that table:
 * floor(bucket * 100000).
 */
import { bucketValue, parseContext, type Context } from '../../src/core/evaluation';

function ctx(input: unknown): Context {
  const parsed = parseContext(input);
  if (!parsed.ok) throw new Error(`context ${JSON.stringify(input)} rejected: ${parsed.error}`);
  return parsed.context;
}

const scaled = (b: number) => Math.floor(b * 100000);

describe('bucketValue reference vectors (protocols.md §2.6)', () => {
  // key hashKey, salt saltyA, bucketBy key
  const vectors: [string, number, number][] = [
    ['userKeyA', 42157, 9801],
    ['userKeyB', 67084, 14483],
    ['userKeyC', 10343, 92426],
  ];

  it.each(vectors)('hashKey/saltyA %s: %d without seed, %d with seed 61', (key, noSeed, seed61) => {
    const c = ctx({ kind: 'user', key });
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'key', undefined))).toBe(noSeed);
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'key', 'user'))).toBe(noSeed);
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'key', undefined, 61))).toBe(seed61);
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'key', 'user', 61))).toBe(seed61);
  });

  it('keeps the double precision of the reference (0.42157587, 0.67084850, 0.10343106)', () => {
    expect(bucketValue(ctx({ kind: 'user', key: 'userKeyA' }), 'hashKey', 'saltyA', 'key', undefined)).toBeCloseTo(
      0.42157587,
      7,
    );
    expect(bucketValue(ctx({ kind: 'user', key: 'userKeyB' }), 'hashKey', 'saltyA', 'key', undefined)).toBeCloseTo(
      0.6708485,
      7,
    );
    expect(bucketValue(ctx({ kind: 'user', key: 'userKeyC' }), 'hashKey', 'saltyA', 'key', undefined)).toBeCloseTo(
      0.10343106,
      7,
    );
  });

  it('a legacy user (no kind) buckets like kind user', () => {
    expect(scaled(bucketValue(ctx({ key: 'userKeyA' }), 'hashKey', 'saltyA', 'key', undefined))).toBe(42157);
  });

  it.each([
    [33333, 54771],
    [99999, 73096],
  ])('integer bucketBy attribute %d: %d', (n, want) => {
    const c = ctx({ kind: 'user', key: 'userKeyA', intAttr: n, nested: { n } });
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'intAttr', undefined))).toBe(want);
    // integers hash as their decimal string
    const s = ctx({ kind: 'user', key: 'userKeyA', strAttr: String(n) });
    expect(scaled(bucketValue(s, 'hashKey', 'saltyA', 'strAttr', undefined))).toBe(want);
    // with a contextKind, bucketBy is an attribute reference (§2.2); without one it is a literal name
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', '/nested/n', 'user'))).toBe(want);
    expect(bucketValue(c, 'hashKey', 'saltyA', '/nested/n', undefined)).toBe(0);
  });

  it('non-bucketable values give 0: float, bool, missing attribute, kind not in the context', () => {
    const c = ctx({ kind: 'user', key: 'userKeyA', f: 1.5, b: true });
    expect(bucketValue(c, 'hashKey', 'saltyA', 'f', undefined)).toBe(0);
    expect(bucketValue(c, 'hashKey', 'saltyA', 'b', undefined)).toBe(0);
    expect(bucketValue(c, 'hashKey', 'saltyA', 'missing', undefined)).toBe(0);
    expect(bucketValue(c, 'hashKey', 'saltyA', 'key', 'org')).toBe(0);
  });

  it('a multi-kind context buckets by the key of the requested kind', () => {
    const c = ctx({ kind: 'multi', user: { key: 'other' }, org: { key: 'userKeyB' } });
    expect(scaled(bucketValue(c, 'hashKey', 'saltyA', 'key', 'org'))).toBe(67084);
  });

  it.each([
    ['user-key', 14950],
    ['unmatching-key', 36563],
  ])('segment vector segment3.salty.%s: %d', (key, want) => {
    expect(scaled(bucketValue(ctx({ kind: 'user', key }), 'segment3', 'salty', 'key', undefined))).toBe(want);
  });
});
