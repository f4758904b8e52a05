import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ClockService } from '../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../infra/config/config';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { DeliveryRepository } from '../modules/delivery/delivery.repository';
import { InsightsRepository } from '../modules/insights/insights.repository';
import { OutboxRepository } from '../modules/outbox/outbox.repository';
import type { JobHandler } from './job-handler';
import type { Granularity } from '../core/insights/insight-series';

const BATCH = 5_000;
const HOUR_MS = 3_600_000;

/**
 * Keeps the tables that grow with traffic bounded: published outbox rows past their retention and
 * old SDK events and evaluation counts. Deletes in batches so no statement holds locks for long; reports progress.
 */
@Injectable()
export class PruneRetentionHandler implements JobHandler {
  readonly queue = QueueName.Maintenance;
  readonly job = JobName.PruneRetention;
  readonly everyMs = HOUR_MS;
  private readonly logger = new Logger('retention');

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly outbox: OutboxRepository,
    private readonly insights: InsightsRepository,
    private readonly clock: ClockService,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  async handle(job: Job) {
    const now = this.clock.now().getTime();
    const outbox = await this.drain(
      (n) => this.outbox.prune(new Date(now - this.config.outboxRetentionHours * HOUR_MS), n),
      job,
      'outbox',
    );
    const events = await this.drain(
      (n) => this.repo.pruneEvents(new Date(now - this.config.eventRetentionDays * 24 * HOUR_MS), n),
      job,
      'events',
    );
    let counts = 0;
    for (const [period, days] of Object.entries(this.config.insightsRetentionDays))
      counts += await this.drain(
        (n) => this.insights.prune(period as Granularity, new Date(now - days * 24 * HOUR_MS), n),
        job,
        `evaluationCounts.${period}`,
      );
    await this.insights.pruneLedger(new Date(now - 24 * HOUR_MS));
    if (outbox || events || counts)
      this.logger.log(`pruned ${outbox} outbox rows, ${events} SDK events and ${counts} evaluation counts`);
    return { outbox, events, evaluationCounts: counts };
  }

  private async drain(prune: (batch: number) => Promise<number>, job: Job, what: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await prune(BATCH);
      total += n;
      if (n > 0) await job.updateProgress({ [what]: total });
      if (n < BATCH) return total;
    }
  }
}
