import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '../core/errors';
import { ClockService } from '../infra/clock/clock.service';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { QueuesService } from '../infra/queues/queues.service';
import { ChangeRequestApplyService } from '../modules/approvals/change-request-apply.service';
import { enqueueScheduledApplies, type ApplyScheduledChangeRequestJob } from '../modules/approvals/change-request-jobs';
import { ChangeRequestsRepository } from '../modules/approvals/change-requests.repository';
import type { JobHandler } from './job-handler';
import { isUuid } from './job-payload';

const SWEEP_LIMIT = 10_000;

/**
 * Applies a scheduled change request when due, through the same apply path as a person (every
 * rule re-checked; a refusal marks the request failed and sends `change_request.failed`).
 * Idempotent: a request no longer scheduled, or not yet due, is left alone.
 */
@Injectable()
export class ApplyScheduledChangeRequestHandler
  implements JobHandler<ApplyScheduledChangeRequestJob>, OnApplicationBootstrap
{
  readonly queue = QueueName.Changes;
  readonly job = JobName.ApplyScheduledChangeRequest;
  private readonly logger = new Logger('scheduled-change-requests');

  constructor(
    private readonly applier: ChangeRequestApplyService,
    private readonly repo: ChangeRequestsRepository,
    private readonly queues: QueuesService,
    private readonly clock: ClockService,
  ) {}

  /**
   * Start-up sweep: overdue requests are applied here and now, oldest first (an alarm held by a
   * dead worker is only released when its lock expires); later ones get their alarms again.
   */
  onApplicationBootstrap(): void {
    void (async () => {
      const now = this.clock.now();
      const scheduled = await this.repo.scheduled(SWEEP_LIMIT);
      await enqueueScheduledApplies(
        this.queues,
        scheduled.filter((r) => r.executionDate && r.executionDate > now),
        now,
      );
      for (const r of scheduled.filter((x) => !x.executionDate || x.executionDate <= now)) {
        await this.applier
          .applyScheduled(r.id)
          .catch((e: Error) => this.logger.warn(`overdue change request ${r.id}: ${e.message}`));
      }
    })().catch((e: Error) => this.logger.warn(`start-up sweep of scheduled change requests failed: ${e.message}`));
  }

  async handle(job: Job<ApplyScheduledChangeRequestJob>) {
    const id = job.data?.changeRequestId;
    if (!isUuid(id)) throw new Error(`invalid ${JobName.ApplyScheduledChangeRequest} payload`);
    try {
      const applied = await this.applier.applyScheduled(id);
      return applied ? { applied: applied.appliedVersion } : { skipped: 'not scheduled' };
    } catch (err) {
      // A refusal is final (the request is marked failed); only infrastructure errors are retried.
      if (err instanceof DomainError) return { failed: err.code };
      throw err;
    }
  }
}
