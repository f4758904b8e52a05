import type { Release } from '../releases/release-format';

export type StageState = 'done' | 'current' | 'pending' | 'rolled back' | 'failed';

export interface TimelineStage {
  index: number;
  weight: number;
  durationMs: number;
  state: StageState;
  startedAt: string | null;
  /** When it ended, or (for the stage in force) when its next step is due. */
  finishedAt: string | null;
  finishDue: boolean;
}

/**
 * Each stage with its state and times, read from the release's history: a stage starts at the entry
 * that moved the release to it, and ends where the next one starts (or the release finished).
 */
export function stageTimeline(r: Pick<Release, 'stages' | 'currentStage' | 'status' | 'history' | 'nextStepAt'>) {
  const history = r.history as { at: string; status: string; stage: number }[];
  const startOf = (i: number) => history.find((h) => h.stage === i && h.status === 'running')?.at ?? null;
  const finishedAt = history.find((h) => ['completed', 'rolled_back', 'failed'].includes(h.status))?.at ?? null;
  return r.stages.map((s, index): TimelineStage => {
    const state: StageState =
      index < r.currentStage || (index === r.currentStage && r.status === 'completed')
        ? 'done'
        : index === r.currentStage
          ? r.status === 'rolled_back'
            ? 'rolled back'
            : r.status === 'failed'
              ? 'failed'
              : 'current'
          : 'pending';
    const nextStart = index + 1 < r.stages.length ? startOf(index + 1) : null;
    const inForce = state === 'current';
    return {
      index,
      weight: s.weight,
      durationMs: s.durationMs,
      state,
      startedAt: index <= r.currentStage ? startOf(index) : null,
      finishedAt: inForce ? r.nextStepAt : state === 'pending' ? null : (nextStart ?? finishedAt),
      finishDue: inForce,
    };
  });
}
