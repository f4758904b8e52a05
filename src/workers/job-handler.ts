import type { Job } from 'bullmq';
import type { JobName, QueueName } from '../infra/queues/queue-names';

/** One handler per job name; the worker host checks at boot that every job name has exactly one. */
export interface JobHandler<T = unknown> {
  readonly queue: QueueName;
  readonly job: JobName;
  /**
   * Set for periodic jobs: the worker host keeps one scheduler (deterministic id) running them, so
   * one run per period whatever the number of workers. 0: off (the host removes the scheduler).
   */
  readonly everyMs?: number;
  handle(job: Job<T>): Promise<unknown>;
  /**
   * Finds in PostgreSQL the work whose job is missing (never enqueued because Redis was down, or
   * lost with it) and runs or enqueues it again; idempotent. The worker host calls it at start-up,
   * when Redis comes back, and every GANTRY_SWEEP_INTERVAL_MS (see WorkerHostService).
   */
  sweep?(occasion: SweepOccasion): Promise<unknown>;
}

/**
 * `start-up` and `reconnected` sweep everything overdue; `periodic` leaves what fell due within
 * PERIODIC_SWEEP_GRACE_MS to the alarm that is about to run it.
 */
export type SweepOccasion = 'start-up' | 'reconnected' | 'periodic';

export const PERIODIC_SWEEP_GRACE_MS = 10_000;

/** The AutomationRunner sweep options for an occasion. */
export const sweepOptions = (occasion: SweepOccasion) => ({
  overdueMs: occasion === 'periodic' ? PERIODIC_SWEEP_GRACE_MS : 0,
});

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
