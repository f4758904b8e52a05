import { Rollout, Variation, VariationOrRollout } from '../model/flag-config';
import { attributeReferenceProblem } from './attribute-reference';
import { Fields } from './instruction-fields';
import { MAX_ID_LENGTH, WEIGHT_TOTAL } from './limits';

export const SERVE_FIELDS = ['variationId', 'rolloutWeights', 'rolloutBucketBy', 'rolloutContextKind'] as const;

/** Instructions name variations by `_id`; the stored config uses indexes. */
export function readVariationIndex(f: Fields, variations: Variation[], field = 'variationId'): number {
  const id = f.string(field, { max: MAX_ID_LENGTH });
  const index = variations.findIndex((variation) => variation._id === id);
  if (index < 0) f.fail(`variation '${id}' does not exist`, field);
  return index;
}

/**
 * Reads `variationId | rolloutWeights (+ rolloutBucketBy, rolloutContextKind)`. When the current
 * value is already a rollout and bucketBy/contextKind are omitted, they (and kind/seed) are kept:
 * re-weighting a rollout must not silently re-bucket everyone.
 */
export function readVariationOrRollout(
  f: Fields,
  variations: Variation[],
  current?: VariationOrRollout,
): VariationOrRollout {
  const hasVariation = f.has('variationId');
  if (hasVariation === f.has('rolloutWeights')) f.fail('exactly one of variationId or rolloutWeights is required');
  const bucketBy = f.optString('rolloutBucketBy');
  const contextKind = f.optContextKind('rolloutContextKind');
  if (!hasVariation) return { rollout: readRollout(f, variations, bucketBy, contextKind, current?.rollout) };
  if (bucketBy !== undefined) f.fail('is only allowed with rolloutWeights', 'rolloutBucketBy');
  if (contextKind !== undefined) f.fail('is only allowed with rolloutWeights', 'rolloutContextKind');
  return { variation: readVariationIndex(f, variations) };
}

function readRollout(
  f: Fields,
  variations: Variation[],
  bucketBy: string | undefined,
  contextKind: string | undefined,
  previous: Rollout | undefined,
): Rollout {
  const weights = readWeights(f, variations);
  const rollout: Rollout = {
    // Every variation, in flag order, so the stored rollout reads the same whoever wrote it.
    variations: variations.map((variation, index) => ({ variation: index, weight: weights.get(variation._id) ?? 0 })),
  };
  const effectiveBucketBy = bucketBy ?? previous?.bucketBy;
  const effectiveKind = contextKind ?? previous?.contextKind;
  if (effectiveBucketBy !== undefined) {
    const problem = attributeReferenceProblem(effectiveBucketBy, effectiveKind !== undefined);
    if (problem) f.fail(problem, 'rolloutBucketBy');
    rollout.bucketBy = effectiveBucketBy;
  }
  if (effectiveKind !== undefined) rollout.contextKind = effectiveKind;
  if (previous?.kind !== undefined) rollout.kind = previous.kind;
  if (previous?.seed !== undefined) rollout.seed = previous.seed;
  return rollout;
}

function readWeights(f: Fields, variations: Variation[]): Map<string, number> {
  const raw = f.record('rolloutWeights');
  const weights = new Map<string, number>();
  let total = 0;
  for (const [variationId, weight] of Object.entries(raw)) {
    const field = `rolloutWeights.${variationId}`;
    if (!variations.some((variation) => variation._id === variationId))
      f.fail(`variation '${variationId}' does not exist`, field);
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > WEIGHT_TOTAL) {
      f.fail(`must be an integer from 0 to ${WEIGHT_TOTAL}`, field);
    }
    weights.set(variationId, weight);
    total += weight;
  }
  if (total !== WEIGHT_TOTAL) f.fail(`weights must add up to ${WEIGHT_TOTAL}, not ${total}`, 'rolloutWeights');
  return weights;
}
