import type { Stage } from '../../../core/release';
import type { ReleaseRow } from '../releases.repository';

export const releaseView = (r: ReleaseRow) => {
  const stages = r.stages as unknown as Stage[];
  return {
    id: r.id,
    projectKey: r.environment.project.key,
    environmentKey: r.environment.key,
    flagKey: r.flagKey,
    status: r.status,
    target: r.target as Record<string, unknown>,
    stages,
    currentStage: r.currentStage,
    currentWeight:
      r.status === 'rolled_back' || r.currentStage < 0 ? 0 : stages[Math.min(r.currentStage, stages.length - 1)].weight,
    nextStepAt: r.nextStepAt?.toISOString() ?? null,
    remainingMs: r.remainingMs,
    baselineVersion: r.baselineVersion,
    createdBy: r.createdBy as Record<string, unknown>,
    failure: (r.failure as Record<string, unknown> | null) ?? null,
    guard: (r.guard as Record<string, unknown> | null) ?? null,
    guardResult: (r.guardResult as Record<string, unknown> | null) ?? null,
    history: r.history as unknown[],
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
};

export type ReleaseView = ReturnType<typeof releaseView>;
