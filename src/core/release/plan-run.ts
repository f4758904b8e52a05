import type { PlanPhase } from './release-plan';

/**
 * A release plan run's phases over time, and the decisions the worker makes on each look: which
 * waiting phases may start, which soaks are over, and what the run's status is.
 *
 *   pending → (waiting_approval →) running → soaking → completed
 *                                         ↘ failed | rolled_back
 * `rolled_back` (the phase's release was rolled back, by its guard or a person) pauses the run:
 * the phases not yet started wait until someone resumes it.
 */
export type PhaseStatus =
  'pending' | 'waiting_approval' | 'running' | 'soaking' | 'completed' | 'failed' | 'rolled_back' | 'aborted';

export interface PhaseState {
  phase: number;
  environmentKey: string;
  status: PhaseStatus;
  /** When a manual start, deploy signal or first evaluation satisfied the phase's trigger (ISO). */
  triggeredAt?: string;
  /** What satisfied it, for people reading the run (`deploy api 1.4.2`, `manual by ...`). */
  triggeredBy?: string;
  startedAt?: string;
  /** While soaking: when the phase counts as finished (ISO). */
  soakUntil?: string;
  releaseId?: string;
  changeRequestId?: string;
  error?: string;
}

/**
 * The run and phase that opened a change request or started a release (stored with it as `origin`).
 * A look opens those in transactions of their own before it records them in the run's state, so a
 * look that fails to commit leaves them unrecorded; the phase's next look finds them by this.
 */
export interface PhaseOrigin {
  pipelineRun: string;
  phase: number;
}

export type RunStatus = 'running' | 'paused' | 'completed' | 'failed' | 'aborted' | 'expired';

export const initialPhaseStates = (phases: readonly PlanPhase[]): PhaseState[] =>
  phases.map((p, phase) => ({ phase, environmentKey: p.environmentKey, status: 'pending' }));

/** The phases `index` runs with: itself and the `with_previous` phases chained to it, either side. */
export function groupOf(phases: readonly PlanPhase[], index: number): number[] {
  let first = index;
  while (first > 0 && phases[first].trigger.kind === 'with_previous') first -= 1;
  let last = index;
  while (last + 1 < phases.length && phases[last + 1].trigger.kind === 'with_previous') last += 1;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * Pending phases whose trigger is satisfied now, in order. `evaluated` holds the environments where
 * the flag was evaluated since the run started (looked up only for phases waiting on it).
 */
export function phasesToStart(
  phases: readonly PlanPhase[],
  states: readonly PhaseState[],
  evaluated: ReadonlySet<string> = new Set(),
): number[] {
  const due: number[] = [];
  // A phase started in this same look counts as started for `with_previous` after it.
  const started = (i: number) => states[i].status !== 'pending' || due.includes(i);
  phases.forEach((p, i) => {
    if (states[i].status !== 'pending') return;
    const t = p.trigger;
    const ok =
      t.kind === 'previous'
        ? i === 0 || groupOf(phases, i - 1).every((j) => states[j].status === 'completed')
        : t.kind === 'with_previous'
          ? started(i - 1)
          : t.kind === 'first_evaluation'
            ? states[i].triggeredAt !== undefined || evaluated.has(p.environmentKey)
            : states[i].triggeredAt !== undefined;
    if (ok) due.push(i);
  });
  return due;
}

/** Pending first-evaluation phases: the environments the worker asks the insights about. */
export const awaitingFirstEvaluation = (phases: readonly PlanPhase[], states: readonly PhaseState[]): string[] =>
  phases
    .filter((p, i) => p.trigger.kind === 'first_evaluation' && states[i].status === 'pending' && !states[i].triggeredAt)
    .map((p) => p.environmentKey);

/** A finished audience step soaks for the phase's soak time (none: it is completed at once). */
export function afterAudience(phase: PlanPhase, now: Date): Pick<PhaseState, 'status' | 'soakUntil'> {
  if (phase.soakMs <= 0) return { status: 'completed' };
  return { status: 'soaking', soakUntil: new Date(now.getTime() + phase.soakMs).toISOString() };
}

export const soakOver = (state: PhaseState, now: Date): boolean =>
  state.status === 'soaking' && state.soakUntil !== undefined && Date.parse(state.soakUntil) <= now.getTime();

/** The run's status from its phases: a failure fails it, a rollback pauses it, all completed completes it. */
export function runStatusOf(states: readonly PhaseState[]): RunStatus {
  if (states.some((s) => s.status === 'failed')) return 'failed';
  if (states.some((s) => s.status === 'rolled_back')) return 'paused';
  if (states.every((s) => s.status === 'completed')) return 'completed';
  return 'running';
}

/** A run with no progress since `lastProgressAt` for `expireAfterMs` expires (running or paused). */
export const isExpired = (lastProgressAt: Date, expireAfterMs: number, now: Date): boolean =>
  now.getTime() - lastProgressAt.getTime() >= expireAfterMs;

/**
 * Resuming a paused run retries its rolled-back phases: they wait for their trigger again (a manual,
 * deploy or first-evaluation trigger already received still counts).
 */
export const resumedStates = (states: readonly PhaseState[]): PhaseState[] =>
  states.map((s) =>
    s.status === 'rolled_back'
      ? {
          phase: s.phase,
          environmentKey: s.environmentKey,
          status: 'pending',
          ...(s.triggeredAt ? { triggeredAt: s.triggeredAt, triggeredBy: s.triggeredBy } : {}),
          error: `retried after: ${s.error ?? 'rollback'}`,
        }
      : s,
  );

/** The highest phase that has started (what `currentPhase` shows), 0 before any. */
export const currentPhaseOf = (states: readonly PhaseState[]): number =>
  states.reduce((max, s, i) => (s.status !== 'pending' && s.status !== 'aborted' ? i : max), 0);

/** Pending, not yet triggered phases a deploy of `service` to `environmentKey` starts. */
export const deployTriggeredPhases = (
  phases: readonly PlanPhase[],
  states: readonly PhaseState[],
  d: { service: string; environmentKey: string },
): number[] =>
  phases.flatMap((p, i) =>
    p.trigger.kind === 'deploy' &&
    p.trigger.service === d.service &&
    p.environmentKey === d.environmentKey &&
    states[i].status === 'pending' &&
    !states[i].triggeredAt
      ? [i]
      : [],
  );
