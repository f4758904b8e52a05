import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ClockService } from '../../infra/clock/clock.service';
import { ROOT_LOGGER } from '../../infra/logging/logger';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { AuditService } from '../audit/audit.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { AutomationRunner } from './automation-runner';

/**
 * The automation runner every domain that writes on its own runs through (scheduled changes,
 * release steps, change requests applied by Gantry, triggers, pipelines). A plain class built here,
 * so its unit spec needs no Nest.
 */
@Module({
  providers: [
    {
      provide: AutomationRunner,
      useFactory: (
        audit: AuditService,
        metrics: MetricsService,
        clock: ClockService,
        logger: Logger,
        webhooks: WebhookEventsService,
      ) => {
        // The failures an alert watches (ops/prometheus) exist from the start at 0, so the first is an increase.
        for (const kind of ['scheduled_change', 'release_step']) metrics.automation.inc({ kind, outcome: 'failed' }, 0);
        return new AutomationRunner(audit, metrics, clock, logger, webhooks);
      },
      // WebhookEventsService: from the global WebhooksModule.
      inject: [AuditService, MetricsService, ClockService, ROOT_LOGGER, WebhookEventsService],
    },
  ],
  exports: [AutomationRunner],
})
export class AutomationModule {}
