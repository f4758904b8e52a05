import type { GuardSeriesPoint } from '../../../core/release';
import type { Release } from '../release-records';

export const releaseView = (r: Release) => {
  const { stages } = r;
  return {
    id: r.id,
    projectKey: r.projectKey,
    environmentKey: r.environmentKey,
    flagKey: r.flagKey,
    status: r.status,
    target: r.target,
    stages,
    currentStage: r.currentStage,
    currentWeight:
      r.status === 'rolled_back' || r.currentStage < 0 ? 0 : stages[Math.min(r.currentStage, stages.length - 1)].weight,
    nextStepAt: r.nextStepAt?.toISOString() ?? null,
    remainingMs: r.remainingMs,
    baselineVersion: r.baselineVersion,
    createdBy: r.createdBy,
    origin: r.origin,
    failure: r.failure,
    guard: r.guard,
    guardResult: r.guardResult,
    history: r.history,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
};

/** guardChecks: on the read of one guarded release (its series of guard checks). */
export type ReleaseView = ReturnType<typeof releaseView> & { guardChecks?: GuardSeriesPoint[] };
