import { WEIGHT_TOTAL } from './release-math';

/**
 * Since when the guard counts exposures before leaving the stage in force: each stage is judged on
 * its own contexts, from the step into it (the first history entry of that stage; later entries of
 * the same stage are holds, pauses and resumes, which do not restart it), so a regression that
 * shows at 50 % is not diluted by the quiet data of 5 %. A stage that serves the new variation to
 * everyone has no old arm of its own to compare with: it is judged over the whole release, as are
 * releases with no record of the step (the release's start).
 */
export function guardWindowStart(
  history: readonly { at: string; stage: number }[],
  stages: readonly { weight: number }[],
  stage: number,
  releaseStartedAt: Date,
): Date {
  if (stage < 0 || (stages[stage]?.weight ?? WEIGHT_TOTAL) >= WEIGHT_TOTAL) return releaseStartedAt;
  const entry = history.find((h) => h.stage === stage);
  const at = entry ? new Date(entry.at) : releaseStartedAt;
  return Number.isNaN(at.getTime()) ? releaseStartedAt : at;
}
