import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { parseAdvancePipelineJob, type AdvancePipelineJob } from '../modules/pipelines/pipeline-jobs';
import { PipelineRunner } from '../modules/pipelines/pipeline-runner.service';
import type { JobHandler, SweepOccasion } from './job-handler';

/** One look at a running pipeline release; it sets the next look itself while the run goes on. */
@Injectable()
export class AdvancePipelineHandler implements JobHandler<AdvancePipelineJob> {
  readonly queue = QueueName.Changes;
  readonly job = JobName.AdvancePipeline;

  constructor(private readonly runner: PipelineRunner) {}

  /**
   * At start-up and when a store returns: every running run gets a look (a look lost meanwhile is
   * not due anywhere). Never periodically: the sweep has no due times, so it would look at every
   * run each time.
   */
  async sweep(occasion: SweepOccasion) {
    if (occasion !== 'periodic') return this.runner.sweep();
  }

  async handle(job: Job<AdvancePipelineJob>) {
    const { runId, requestId } = parseAdvancePipelineJob(job.data);
    return { status: await this.runner.advance(runId, { jobId: job.id, requestId }) };
  }
}
