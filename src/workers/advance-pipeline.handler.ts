import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import type { AdvancePipelineJob } from '../modules/pipelines/pipeline-runs.service';
import { PipelineRunner } from '../modules/pipelines/pipeline-runner.service';
import type { JobHandler } from './job-handler';
import { isUuid } from './job-payload';

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
    const id = job.data?.runId;
    if (!isUuid(id)) throw new Error(`invalid ${JobName.AdvancePipeline} payload`);
    return { status: await this.runner.advance(id) };
  }
}
