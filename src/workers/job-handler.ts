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
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
