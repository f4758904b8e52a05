import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { ScheduledChangeRunner } from '../modules/schedules/scheduled-change-runner.service';
import { parseApplyScheduledChangeJob, type ApplyScheduledChangeJob } from '../modules/schedules/schedule-jobs';
import type { JobHandler } from './job-handler';

/** Applies one scheduled change when due (idempotent: see ScheduledChangeRunner). */
@Injectable()
export class ApplyScheduledChangeHandler implements JobHandler<ApplyScheduledChangeJob>, OnApplicationBootstrap {
  readonly queue = QueueName.Changes;
  readonly job = JobName.ApplyScheduledChange;
  private readonly logger = new Logger('scheduled-changes');

  constructor(private readonly runner: ScheduledChangeRunner) {}

  onApplicationBootstrap(): void {
    void this.runner
      .sweep()
      .catch((e: Error) => this.logger.warn(`start-up sweep of scheduled changes failed: ${e.message}`));
  }

  async handle(job: Job<ApplyScheduledChangeJob>) {
    const { scheduledChangeId: id, requestId } = parseApplyScheduledChangeJob(job.data);
    const { outcome } = await this.runner.run(id, { jobId: job.id, requestId });
    // Woken before its time (clock skew between hosts): fail this attempt so BullMQ retries later.
    if (outcome === 'not_due') throw new Error(`scheduled change ${id} is not due yet`);
    return { outcome };
  }
}
