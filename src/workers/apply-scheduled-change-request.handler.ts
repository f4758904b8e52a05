import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '../core/errors';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { ChangeRequestAutomation } from '../modules/approvals/change-request-automation';
import {
  parseApplyScheduledChangeRequestJob,
  type ApplyScheduledChangeRequestJob,
} from '../modules/approvals/change-request-jobs';
import { sweepOptions, type JobHandler, type SweepOccasion } from './job-handler';

/**
 * Applies a scheduled change request when due, through the same apply path as a person (every
 * rule re-checked; a refusal marks the request failed and sends `change_request.failed`).
 * Idempotent: a request no longer scheduled is left alone; one woken early is retried later.
 */
@Injectable()
export class ApplyScheduledChangeRequestHandler implements JobHandler<ApplyScheduledChangeRequestJob> {
  readonly queue = QueueName.Changes;
  readonly job = JobName.ApplyScheduledChangeRequest;

  constructor(private readonly automation: ChangeRequestAutomation) {}

  sweep(occasion: SweepOccasion) {
    return this.automation.sweep(sweepOptions(occasion));
  }

  async handle(job: Job<ApplyScheduledChangeRequestJob>) {
    const { changeRequestId: id, requestId } = parseApplyScheduledChangeRequestJob(job.data);
    try {
      const result = await this.automation.applyScheduled(id, { jobId: job.id, requestId });
      // Woken more than a moment early (clock skew): fail this attempt so BullMQ retries later.
      if (result.outcome === 'not_due') throw new Error(`change request ${id} is not due yet`);
      if (result.status === 'failed') return { failed: result.error.code };
      return result.status === 'done' ? { applied: result.done.row.appliedVersion } : { skipped: 'not scheduled' };
    } catch (err) {
      // A refusal is final; only infrastructure errors (and an early wake-up) are retried.
      if (err instanceof DomainError) return { failed: err.code };
      throw err;
    }
  }
}
