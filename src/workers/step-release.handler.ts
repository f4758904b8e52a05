import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { parseStepReleaseJob, type StepReleaseJob } from '../modules/releases/release-jobs';
import { ReleaseStepper } from '../modules/releases/release-stepper.service';
import { sweepOptions, type JobHandler, type SweepOccasion } from './job-handler';

/**
 * One step of a staged release. A stale alarm (the release was paused or moved on) finds the
 * release not at that step and does nothing: every change of the next step time sets its own alarm.
 */
@Injectable()
export class StepReleaseHandler implements JobHandler<StepReleaseJob> {
  readonly queue = QueueName.Changes;
  readonly job = JobName.StepRelease;

  constructor(private readonly stepper: ReleaseStepper) {}

  sweep(occasion: SweepOccasion) {
    return this.stepper.sweep(sweepOptions(occasion));
  }

  async handle(job: Job<StepReleaseJob>) {
    const { releaseId, stage, dueAt, requestId } = parseStepReleaseJob(job.data);
    const outcome = await this.stepper.step(releaseId, stage, { jobId: job.id, requestId }, dueAt);
    // Woken more than a moment early (clock skew between hosts): fail this attempt so BullMQ retries.
    if (outcome === 'not_due') throw new Error(`release ${releaseId} step ${stage} is not due yet`);
    return { outcome };
  }
}
