import { DomainError } from '../errors';
import { Rollout, VariationOrRollout, WeightedVariation } from '../model/flag-config';

/**
 * Share arithmetic for releases, in thousandths of a percent (DESIGN §4). Shares are what the
 * evaluator actually serves, so what a release reports matches what contexts receive.
 */
export const WEIGHT_TOTAL = 100_000;

/** Releases name variations by stable `_id`; stored configs use indexes. */
export function variationIndexOf(variationIds: readonly string[], variationId: string): number {
  const index = variationIds.indexOf(variationId);
  if (index < 0) throw new DomainError('release/unknown_variation', `variation '${variationId}' does not exist`);
  return index;
}

/**
 * The share each entry of a rollout serves. The evaluator walks cumulative sums and sends a bucket
 * past the end to the last entry, so weights summing to less than 100% give the rest to the last
 * entry and anything past 100% is unreachable; this mirrors that instead of trusting the raw weights.
 */
export function servedShares(rollout: Rollout): number[] {
  const shares: number[] = [];
  let reached = 0; // highest cumulative boundary so far, clamped to [0, WEIGHT_TOTAL]
  let sum = 0;
  for (const entry of rollout.variations) {
    sum += entry.weight;
    const end = Math.min(WEIGHT_TOTAL, Math.max(reached, sum));
    shares.push(end - reached);
    reached = end;
  }
  if (shares.length > 0) shares[shares.length - 1] += WEIGHT_TOTAL - reached;
  return shares;
}

/**
 * What a variation-or-rollout serves, one entry per variation index in order of first appearance
 * (a rollout may list a variation twice; it is one share). Throws on a malformed serving so that a
 * release never starts from, or reports on, something the evaluator would serve as an error.
 */
export function servingShares(vor: VariationOrRollout, variationCount: number): WeightedVariation[] {
  const checkIndex = (index: unknown): number => {
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < variationCount) return index;
    throw new DomainError('release/unknown_variation', `variation index ${String(index)} does not exist`);
  };
  // Same precedence as the evaluator: a fixed variation wins over a rollout.
  if (vor.variation !== undefined && vor.variation !== null)
    return [{ variation: checkIndex(vor.variation), weight: WEIGHT_TOTAL }];
  if (!vor.rollout || vor.rollout.variations.length === 0) {
    throw new DomainError('release/invalid_serving', 'the serving has neither a variation nor a rollout');
  }
  const shares = servedShares(vor.rollout);
  const merged = new Map<number, number>();
  vor.rollout.variations.forEach((entry, i) => {
    const index = checkIndex(entry.variation);
    merged.set(index, (merged.get(index) ?? 0) + shares[i]);
  });
  return [...merged].map(([variation, weight]) => ({ variation, weight }));
}

/** The share (thousandths of a percent) of traffic that `vor` serves `variationId`. */
export function rolloutShareOf(vor: VariationOrRollout, variationIds: string[], variationId: string): number {
  const index = variationIndexOf(variationIds, variationId);
  return servingShares(vor, variationIds.length).find((share) => share.variation === index)?.weight ?? 0;
}

/**
 * Scales integer weights summing to WEIGHT_TOTAL so they sum to exactly `total`, by largest
 * remainder (Hamilton): each gets floor(w·total/WEIGHT_TOTAL), and the units left over go to the
 * largest fractional parts, earlier entries first on ties, so the result is deterministic.
 * Products stay below 2^53, so the arithmetic is exact.
 */
export function scaleShares(weights: readonly number[], total: number): number[] {
  const scaled = weights.map((w) => Math.floor((w * total) / WEIGHT_TOTAL));
  const remainders = weights.map((w, i) => ({ i, r: (w * total) % WEIGHT_TOTAL }));
  let left = total - scaled.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of remainders) {
    if (left <= 0) break;
    scaled[i] += 1;
    left -= 1;
  }
  return scaled;
}
