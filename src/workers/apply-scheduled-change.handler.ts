import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { ScheduledChangeRunner } from '../modules/schedules/scheduled-change-runner.service';
import { parseApplyScheduledChangeJob, type ApplyScheduledChangeJob } from '../modules/schedules/schedule-jobs';
import { sweepOptions, type JobHandler, type SweepOccasion } from './job-handler';

/** Applies one scheduled change when due (idempotent: see ScheduledChangeRunner). */
@Injectable()
export class ApplyScheduledChangeHandler implements JobHandler<ApplyScheduledChangeJob> {
  readonly queue = QueueName.Changes;
  readonly job = JobName.ApplyScheduledChange;

  constructor(private readonly runner: ScheduledChangeRunner) {}

  sweep(occasion: SweepOccasion) {
    return this.runner.sweep(sweepOptions(occasion));
  }

  async handle(job: Job<ApplyScheduledChangeJob>) {
    const { scheduledChangeId: id, requestId } = parseApplyScheduledChangeJob(job.data);
    const { outcome } = await this.runner.run(id, { jobId: job.id, requestId });
    // Woken before its time (clock skew between hosts): fail this attempt so BullMQ retries later.
    if (outcome === 'not_due') throw new Error(`scheduled change ${id} is not due yet`);
    return { outcome };
  }
}
