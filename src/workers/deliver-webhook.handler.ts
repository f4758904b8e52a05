import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { guardedPost } from '../infra/net/guarded-post';
import { OUTBOUND_POLICY, OutboundPolicy, OutboundRefused } from '../infra/net/outbound-policy';
import type { Job } from 'bullmq';
import { Counter } from 'prom-client';
import { MetricsService } from '../infra/metrics/metrics.service';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { QueuesService } from '../infra/queues/queues.service';
import {
  enqueueDeliveries,
  parseDeliverWebhookJob,
  WEBHOOK_ATTEMPTS,
  type DeliverWebhookJob,
} from '../modules/webhooks/webhook-jobs';
import { signWebhookBody, webhookBody } from '../modules/webhooks/webhook-signature';
import { WebhooksRepository } from '../modules/webhooks/webhooks.repository';
import type { JobHandler } from './job-handler';

const TIMEOUT_MS = 10_000;
const SWEEP_LIMIT = 1_000;
/** delivered: 2xx; failed: this attempt failed and another follows; gave_up: the delivery is marked failed. */
const OUTCOMES = ['delivered', 'failed', 'gave_up'] as const;

/**
 * Delivers one WebhookDelivery: POST of the signed JSON body, 2xx is success, anything else is
 * recorded on the row and thrown so BullMQ retries with backoff; the last failure marks it failed.
 * Idempotent: a delivery already succeeded (a duplicate job, a sweep) is not sent again.
 */
@Injectable()
export class DeliverWebhookHandler implements JobHandler<DeliverWebhookJob>, OnApplicationBootstrap {
  readonly queue = QueueName.Webhooks;
  readonly job = JobName.DeliverWebhook;
  private readonly logger = new Logger('webhook-delivery');
  private readonly attempts: Counter<'outcome'>;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queues: QueuesService,
    @Inject(OUTBOUND_POLICY) private readonly outbound: OutboundPolicy,
    metrics: MetricsService,
  ) {
    this.attempts = new Counter({
      name: 'gantry_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered (2xx), failed (retried later), gave_up (delivery marked failed)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    for (const outcome of OUTCOMES) this.attempts.inc({ outcome }, 0);
  }

  /** Start-up sweep: pending rows whose job Redis lost (or never got) are enqueued again; ids collapse duplicates. */
  onApplicationBootstrap(): void {
    void (async () => {
      const pending = await this.repo.pendingDeliveryIds(SWEEP_LIMIT);
      await enqueueDeliveries(
        this.queues,
        pending.map((d) => d.id),
      );
    })().catch((e: Error) => this.logger.warn(`start-up sweep of pending webhook deliveries failed: ${e.message}`));
  }

  async handle(job: Job<DeliverWebhookJob>) {
    const { deliveryId } = parseDeliverWebhookJob(job.data);
    const d = await this.repo.findDeliveryWithWebhook(deliveryId);
    if (!d) return { skipped: 'gone' }; // the webhook was deleted (its log cascades)
    if (d.status !== 'pending') return { skipped: d.status };
    if (!d.webhook.enabled) {
      await this.repo.markFailed(d.id, 'webhook disabled before delivery');
      return { skipped: 'disabled' };
    }

    const body = webhookBody(d);
    let statusCode: number | null = null;
    let error: string;
    try {
      // A redirect is an answer, not a success (guardedPost does not follow it): following it could
      // send the payload anywhere.
      statusCode = await guardedPost(
        this.outbound,
        d.webhook.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Gantry-Webhooks/1',
          'x-gantry-event': d.event,
          'x-gantry-delivery': d.id,
          'x-gantry-signature': signWebhookBody(d.webhook.secret, body),
        },
        body,
        TIMEOUT_MS,
      );
      if (statusCode >= 200 && statusCode < 300) {
        await this.repo.recordAttempt(d.id, { status: 'succeeded', statusCode, error: null, deliveredAt: new Date() });
        this.attempts.inc({ outcome: 'delivered' });
        return { delivered: true, statusCode };
      }
      error = `HTTP ${statusCode}`;
    } catch (e) {
      if (e instanceof OutboundRefused) {
        // The operator's policy, not a passing failure: retrying cannot succeed, so it fails now.
        await this.repo.recordAttempt(d.id, { status: 'failed', statusCode: null, error: `refused: ${e.message}` });
        this.attempts.inc({ outcome: 'gave_up' });
        this.logger.warn(`webhook delivery ${d.id} to webhook ${d.webhookId} refused: ${e.message}`);
        return { refused: e.message };
      }
      const err = e as NodeJS.ErrnoException;
      error = err.code ? `${err.message} (${err.code})` : err.message;
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? WEBHOOK_ATTEMPTS);
    await this.repo.recordAttempt(d.id, {
      status: last ? 'failed' : 'pending',
      statusCode,
      error: error.slice(0, 1000),
    });
    this.attempts.inc({ outcome: last ? 'gave_up' : 'failed' });
    throw new Error(`webhook delivery ${d.id} to webhook ${d.webhookId}: ${error}`);
  }
}
