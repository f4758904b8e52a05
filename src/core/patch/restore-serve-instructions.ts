import type { VariationOrRollout } from '../model/flag-config';
import { deepEqual } from './json-value';
import type { RestoreInstruction } from './restore-types';
import type { VariationIds } from './restore-variation-ids';

// Restore: what is served (a variation or a rollout), compared by variation id.

interface Serve {
  variationId?: string;
  weights?: Record<string, number>;
  bucketBy?: string;
  contextKind?: string;
  kind?: string;
  seed?: number;
}

function currentServe(s: VariationOrRollout, ids: VariationIds): Serve {
  if (!s.rollout) return { variationId: s.variation === undefined ? undefined : ids.currentId(s.variation) };
  const weights: Record<string, number> = {};
  for (const wv of s.rollout.variations) {
    const id = ids.currentId(wv.variation);
    if (wv.weight > 0 && id !== undefined) weights[id] = (weights[id] ?? 0) + wv.weight;
  }
  const { bucketBy, contextKind, kind, seed } = s.rollout;
  return { weights, bucketBy, contextKind, kind, seed };
}

export function targetServe(s: VariationOrRollout, ids: VariationIds, where: string): Serve {
  if (!s.rollout) return { variationId: s.variation === undefined ? undefined : ids.targetId(s.variation, where) };
  const weights: Record<string, number> = {};
  s.rollout.variations.forEach((wv, i) => {
    // A variation removed since the version only matters if the version gave it a share.
    if (wv.weight > 0) {
      const id = ids.targetId(wv.variation, `${where}.rollout.variations[${i}]`);
      weights[id] = (weights[id] ?? 0) + wv.weight;
    }
  });
  const { bucketBy, contextKind, kind, seed } = s.rollout;
  return { weights, bucketBy, contextKind, kind, seed };
}

/** The serve fields of an instruction (variationId | rolloutWeights + bucketBy + contextKind). */
export function serveFields(s: Serve): Record<string, unknown> {
  if (s.weights === undefined) return { variationId: s.variationId };
  return {
    rolloutWeights: s.weights,
    ...(s.bucketBy !== undefined ? { rolloutBucketBy: s.bucketBy } : {}),
    ...(s.contextKind !== undefined ? { rolloutContextKind: s.contextKind } : {}),
  };
}

/**
 * The instructions that make `cur` serve like `tgt`. A rollout instruction keeps the current
 * rollout's bucketBy/contextKind (and kind/seed) when it omits them, so when the version had none
 * of those, a fixed variation is served first within the same write to start from a clean rollout.
 */
export function serveChange(
  kind: string,
  address: Record<string, unknown>,
  cur: VariationOrRollout,
  tgt: VariationOrRollout,
  ids: VariationIds,
  where: string,
): RestoreInstruction[] {
  const before = currentServe(cur, ids);
  const after = targetServe(tgt, ids, where);
  if (deepEqual(before, after)) return [];
  const out: RestoreInstruction[] = [];
  const keeps = (field: keyof Serve) => before[field] !== undefined && after[field] === undefined;
  if (before.weights && after.weights && (['bucketBy', 'contextKind', 'kind', 'seed'] as const).some(keeps)) {
    out.push({ kind, ...address, variationId: Object.keys(after.weights)[0] });
  }
  out.push({ kind, ...address, ...serveFields(after) });
  return out;
}
