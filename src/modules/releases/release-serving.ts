import { DomainError } from '../../core/errors';
import type { Variation, VariationOrRollout } from '../../core/model/flag-config';

/**
 * A release stores what it started from with variation ids (indexes shift when variations are
 * added or removed meanwhile) and turns servings into the semantic-patch instruction that writes
 * them, so every step goes through the one write path like any other change.
 */
export interface StoredServing {
  variationId?: string;
  rollout?: { weights: { variationId: string; weight: number }[]; bucketBy?: string; contextKind?: string };
}

export function storeServing(vor: VariationOrRollout, variations: Variation[]): StoredServing {
  if (vor.rollout) {
    return {
      rollout: {
        weights: vor.rollout.variations.map((w) => ({
          variationId: variations[w.variation]?._id ?? `#${w.variation}`,
          weight: w.weight,
        })),
        ...(vor.rollout.bucketBy !== undefined ? { bucketBy: vor.rollout.bucketBy } : {}),
        ...(vor.rollout.contextKind !== undefined ? { contextKind: vor.rollout.contextKind } : {}),
      },
    };
  }
  return { variationId: variations[vor.variation ?? 0]?._id };
}

/** Back to indexes of the flag's variations now; a variation gone since is a failure of the release. */
export function loadServing(s: StoredServing, variations: Variation[]): VariationOrRollout {
  const index = (id: string | undefined) => {
    const i = variations.findIndex((v) => v._id === id);
    if (i < 0)
      throw new DomainError(
        'release/variation_removed',
        `variation '${String(id)}' the release started from no longer exists`,
      );
    return i;
  };
  if (s.rollout) {
    return {
      rollout: {
        variations: s.rollout.weights.map((w) => ({ variation: index(w.variationId), weight: w.weight })),
        ...(s.rollout.bucketBy !== undefined ? { bucketBy: s.rollout.bucketBy } : {}),
        ...(s.rollout.contextKind !== undefined ? { contextKind: s.rollout.contextKind } : {}),
      },
    };
  }
  return { variation: index(s.variationId) };
}

/** The instruction that makes the fallthrough (ruleId null) or a rule serve `vor`. */
export function servingInstruction(
  vor: VariationOrRollout,
  variations: Variation[],
  ruleId: string | null,
): Record<string, unknown> {
  const where =
    ruleId === null
      ? { kind: 'updateFallthroughVariationOrRollout' }
      : { kind: 'updateRuleVariationOrRollout', ruleId };
  if (!vor.rollout) return { ...where, variationId: variations[vor.variation ?? 0]._id };
  const weights: Record<string, number> = {};
  for (const w of vor.rollout.variations)
    weights[variations[w.variation]._id] = (weights[variations[w.variation]._id] ?? 0) + w.weight;
  return {
    ...where,
    rolloutWeights: weights,
    ...(vor.rollout.bucketBy !== undefined ? { rolloutBucketBy: vor.rollout.bucketBy } : {}),
    ...(vor.rollout.contextKind !== undefined ? { rolloutContextKind: vor.rollout.contextKind } : {}),
  };
}
