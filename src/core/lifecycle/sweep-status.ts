/**
 * What the lifecycle sweep remembers of a flag between runs, and how one run moves it on. The row
 * is the state: `flag.ready_for_cleanup` is due once per stale period (notifiedAt unset), the grace
 * period counts from the first sweep that saw the flag stale, and an archival change request is
 * opened once per stale period. Leaving `stale` ends the period and forgets all three.
 */
import type { ArchivalPolicy } from './settings';
import type { LifecycleState } from './states';

export interface SweepStatus {
  // Stored as text: a state name of LIFECYCLE_STATES.
  state: string;
  staleSince: Date | null;
  notifiedAt: Date | null;
  archivalChangeRequestId: string | null;
}

export interface SweepStep {
  next: SweepStatus;
  /** Send `flag.ready_for_cleanup` now (then set `notifiedAt`). */
  notify: boolean;
  /** The grace period is over, the policy is on and no archival request was opened in this period. */
  archive: boolean;
}

const DAY_MS = 86_400_000;

export function sweepStep(
  before: SweepStatus | undefined,
  state: LifecycleState,
  policy: ArchivalPolicy,
  now: Date,
): SweepStep {
  if (state !== 'stale')
    return {
      next: { state, staleSince: null, notifiedAt: null, archivalChangeRequestId: null },
      notify: false,
      archive: false,
    };
  const staleSince = before?.staleSince ?? now;
  const next: SweepStatus = {
    state,
    staleSince,
    notifiedAt: before?.notifiedAt ?? null,
    archivalChangeRequestId: before?.archivalChangeRequestId ?? null,
  };
  const graceOver = now.getTime() - staleSince.getTime() >= policy.graceDays * DAY_MS;
  return {
    next,
    notify: next.notifiedAt === null,
    archive: policy.mode !== 'off' && graceOver && next.archivalChangeRequestId === null,
  };
}

export const sameSweepStatus = (a: SweepStatus, b: SweepStatus): boolean =>
  a.state === b.state &&
  a.staleSince?.getTime() === b.staleSince?.getTime() &&
  a.notifiedAt?.getTime() === b.notifiedAt?.getTime() &&
  a.archivalChangeRequestId === b.archivalChangeRequestId;
