import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { parseAdvancePipelineJob, type AdvancePipelineJob } from '../modules/pipelines/pipeline-jobs';
import { PipelineRunner } from '../modules/pipelines/pipeline-runner.service';
import type { JobHandler } from './job-handler';

/** One look at a running pipeline release; it sets the next look itself while the run goes on. */
@Injectable()
export class AdvancePipelineHandler implements JobHandler<AdvancePipelineJob>, OnApplicationBootstrap {
  readonly queue = QueueName.Changes;
  readonly job = JobName.AdvancePipeline;
  private readonly logger = new Logger('pipelines');

  constructor(private readonly runner: PipelineRunner) {}

  onApplicationBootstrap(): void {
    void this.runner
      .sweep()
      .catch((e: Error) => this.logger.warn(`start-up sweep of pipeline runs failed: ${e.message}`));
  }

  async handle(job: Job<AdvancePipelineJob>) {
    const { runId, requestId } = parseAdvancePipelineJob(job.data);
    return { status: await this.runner.advance(runId, { jobId: job.id, requestId }) };
  }
}
