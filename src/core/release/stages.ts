import { DomainError, FieldError } from '../errors';
import { Rollout, VariationOrRollout, WeightedVariation } from '../model/flag-config';
import { WEIGHT_TOTAL, scaleShares, servingShares, variationIndexOf } from './release-math';

/**
 * Staged (progressive) releases: a plan of stages, each serving the target variation to a larger
 * share, and the serving each stage writes through the one write path.
 */
export interface Stage {
  /** Thousandths of a percent: the target variation's share during this stage. */
  weight: number;
  /** How long the stage holds before the next one; for the last (100%) stage, before the release completes. */
  durationMs: number;
}

export const MIN_STAGE_MS = 1_000;
export const MAX_STAGE_MS = 30 * 24 * 3600 * 1000;
export const MAX_STAGES = 20;

/** Which serving a release moves: a rule's, or the fallthrough's when `ruleId` is null. */
export interface ReleaseTarget {
  ruleId: string | null;
  fromVariationId: string;
  toVariationId: string;
}

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Checks a plan from outside and returns clean copies; reports every problem at once. */
export function validateStages(stages: unknown): Stage[] {
  const fail = (errors: FieldError[]): never => {
    throw new DomainError(
      'release/invalid_stages',
      errors.map((e) => (e.index === undefined ? e.reason : `stage ${e.index}: ${e.reason}`)).join('; '),
      errors,
    );
  };
  if (!Array.isArray(stages)) return fail([{ field: 'stages', reason: 'must be an array' }]);
  if (stages.length === 0) return fail([{ field: 'stages', reason: 'must have at least one stage' }]);
  if (stages.length > MAX_STAGES) return fail([{ field: 'stages', reason: `must have at most ${MAX_STAGES} stages` }]);

  const errors: FieldError[] = [];
  const result: Stage[] = [];
  let previous: number | undefined;
  stages.forEach((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ index, field: 'stages', reason: 'must be an object' });
      previous = undefined; // nothing to compare the next weight against
      return;
    }
    const { weight, durationMs } = raw as Record<string, unknown>;
    if (!isInt(weight, 1, WEIGHT_TOTAL)) {
      errors.push({ index, field: 'weight', reason: `must be an integer from 1 to ${WEIGHT_TOTAL}` });
    } else if (previous !== undefined && weight <= previous) {
      errors.push({ index, field: 'weight', reason: `must be greater than the previous stage's weight (${previous})` });
    }
    if (!isInt(durationMs, MIN_STAGE_MS, MAX_STAGE_MS)) {
      errors.push({ index, field: 'durationMs', reason: `must be an integer from ${MIN_STAGE_MS} to ${MAX_STAGE_MS}` });
    }
    previous = isInt(weight, 1, WEIGHT_TOTAL) ? weight : undefined;
    result.push({ weight: weight as number, durationMs: durationMs as number });
  });
  // A plan that never reaches 100% would leave the release half-done forever.
  const last = stages[stages.length - 1] as { weight?: unknown } | null;
  if (isInt(last?.weight, 1, WEIGHT_TOTAL) && last?.weight !== WEIGHT_TOTAL) {
    errors.push({
      index: stages.length - 1,
      field: 'weight',
      reason: `the last stage must have weight ${WEIGHT_TOTAL} (100%)`,
    });
  }
  if (errors.length > 0) fail(errors);
  return result;
}

/** The stage after `current` (-1 before the first), or null when the plan is done. */
export function nextStage(stages: readonly Stage[], current: number): { index: number; stage: Stage } | null {
  const index = current + 1;
  if (!Number.isInteger(index) || index < 0 || index >= stages.length) return null;
  return { index, stage: stages[index] };
}

/**
 * The variation-or-rollout a stage serves: moves `weight` of traffic from the current serving to
 * the target variation. The other `WEIGHT_TOTAL - weight` keeps the baseline's proportions
 * (largest-remainder rounding, so the total is exact), and the target's own baseline share is
 * merged into the target's entry.
 *
 * Entries keep the baseline's order, the target at its baseline position (appended if absent).
 * Because rollouts assign contiguous bucket ranges in list order, the target's range then only
 * grows from stage to stage (up to a unit of rounding per entry before it): a context moved to
 * the new variation stays on it. Contexts on other baseline variations may shift between those variations
 * when the baseline is itself a rollout; proportional shares with one range per variation cannot
 * avoid that.
 */
export function stageServing(
  baseline: VariationOrRollout,
  variationIds: string[],
  toVariationId: string,
  weight: number,
): VariationOrRollout {
  const target = variationIndexOf(variationIds, toVariationId);
  if (!isInt(weight, 0, WEIGHT_TOTAL)) {
    throw new DomainError(
      'release/invalid_weight',
      `weight must be an integer from 0 to ${WEIGHT_TOTAL}, not ${String(weight)}`,
    );
  }
  const shares = servingShares(baseline, variationIds.length);
  if (weight === WEIGHT_TOTAL) return { variation: target };

  if (!shares.some((share) => share.variation === target)) shares.push({ variation: target, weight: 0 });
  const scaled = scaleShares(
    shares.map((share) => share.weight),
    WEIGHT_TOTAL - weight,
  );
  const variations: WeightedVariation[] = shares
    .map((share, i) => ({ variation: share.variation, weight: scaled[i] + (share.variation === target ? weight : 0) }))
    .filter((entry) => entry.weight > 0 || entry.variation === target);
  return {
    rollout: {
      variations,
      ...bucketingOf(baseline.variation === undefined || baseline.variation === null ? baseline.rollout : undefined),
    },
  };
}

/**
 * Who lands in which bucket depends on bucketBy, contextKind and seed, so a staged rollout keeps
 * the baseline's. `kind: 'experiment'` is not kept (a release is not an experiment, and its
 * events must not be reported as experiment exposures); experiments bucket by key whatever
 * bucketBy says, so bucketBy is dropped with it to keep the same buckets.
 */
function bucketingOf(rollout: Rollout | undefined): Partial<Rollout> {
  const kept: Partial<Rollout> = {};
  if (!rollout) return kept;
  if (rollout.bucketBy !== undefined && rollout.kind !== 'experiment') kept.bucketBy = rollout.bucketBy;
  if (rollout.contextKind !== undefined) kept.contextKind = rollout.contextKind;
  if (rollout.seed !== undefined) kept.seed = rollout.seed;
  return kept;
}
