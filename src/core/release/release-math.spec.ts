import { DomainError } from '../errors';
import { rolloutShareOf, scaleShares, servedShares } from './release-math';

const IDS = ['a', 'b', 'c'];
const rollout = (...weights: Array<[number, number]>) => ({
  rollout: { variations: weights.map(([variation, weight]) => ({ variation, weight })) },
});

describe('rolloutShareOf', () => {
  it('is all or nothing for a fixed variation', () => {
    expect(rolloutShareOf({ variation: 1 }, IDS, 'b')).toBe(100000);
    expect(rolloutShareOf({ variation: 1 }, IDS, 'a')).toBe(0);
  });

  it('reads a rollout entry, 0 for a variation it does not list', () => {
    expect(rolloutShareOf(rollout([0, 25000], [1, 75000]), IDS, 'a')).toBe(25000);
    expect(rolloutShareOf(rollout([0, 25000], [1, 75000]), IDS, 'b')).toBe(75000);
    expect(rolloutShareOf(rollout([0, 25000], [1, 75000]), IDS, 'c')).toBe(0);
  });

  it('adds up a variation listed twice', () => {
    expect(rolloutShareOf(rollout([0, 10000], [1, 50000], [0, 40000]), IDS, 'a')).toBe(50000);
  });

  it('counts what the evaluator serves when weights do not add up to 100%', () => {
    // Buckets past the end go to the last entry: 30% + 50% leaves 20% for b.
    expect(rolloutShareOf(rollout([0, 30000], [1, 50000]), IDS, 'b')).toBe(70000);
    // Past 100% is unreachable: b gets 100000 - 80000, c nothing.
    expect(rolloutShareOf(rollout([0, 80000], [1, 50000], [2, 10000]), IDS, 'b')).toBe(20000);
    expect(rolloutShareOf(rollout([0, 80000], [1, 50000], [2, 10000]), IDS, 'c')).toBe(0);
  });

  it('rejects an unknown variation id or a malformed serving', () => {
    expect(() => rolloutShareOf({ variation: 0 }, IDS, 'zz')).toThrow(
      expect.objectContaining({ code: 'release/unknown_variation', status: 400 }),
    );
    expect(() => rolloutShareOf({ variation: 7 }, IDS, 'a')).toThrow(
      expect.objectContaining({ code: 'release/unknown_variation' }),
    );
    expect(() => rolloutShareOf({}, IDS, 'a')).toThrow(expect.objectContaining({ code: 'release/invalid_serving' }));
    expect(() => rolloutShareOf({ rollout: { variations: [] } }, IDS, 'a')).toThrow(DomainError);
  });
});

describe('servedShares', () => {
  it('mirrors cumulative bucketing', () => {
    expect(
      servedShares({
        variations: [
          { variation: 0, weight: 60000 },
          { variation: 1, weight: 40000 },
        ],
      }),
    ).toEqual([60000, 40000]);
    expect(
      servedShares({
        variations: [
          { variation: 0, weight: 0 },
          { variation: 1, weight: 0 },
        ],
      }),
    ).toEqual([0, 100000]);
  });
});

describe('scaleShares (largest remainder)', () => {
  it('scales exactly when the quotas are whole', () => {
    expect(scaleShares([50000, 30000, 20000], 90000)).toEqual([45000, 27000, 18000]);
  });

  it('gives leftover units to the largest fractional parts', () => {
    // Quotas 33332.66667, 33332.66667, 33333.66666: floors sum to 99997; the two .66667s get the 2 units.
    expect(scaleShares([33333, 33333, 33334], 99999)).toEqual([33333, 33333, 33333]);
  });

  it('breaks ties by order', () => {
    expect(scaleShares([50000, 50000], 1)).toEqual([1, 0]);
  });
});
