import type { JobsOptions } from 'bullmq';
import { invalidPayload, isUuid, jobOrigin, type JobOrigin } from '../../infra/queues/job-payload';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface DeliverWebhookJob extends JobOrigin {
  deliveryId: string;
}

export function parseDeliverWebhookJob(data: unknown): DeliverWebhookJob {
  const id = (data as Partial<DeliverWebhookJob> | null | undefined)?.deliveryId;
  if (!isUuid(id)) throw invalidPayload(JobName.DeliverWebhook);
  return { deliveryId: id };
}

/** Attempts per delivery, backoff 1 s, 2 s, 4 s, 8 s between them. */
export const WEBHOOK_ATTEMPTS = 5;

/**
 * Deterministic job id, so enqueuing the same delivery twice (the start-up sweep, a retried emit)
 * collapses into one job. BullMQ refuses custom ids with a single ':', hence the '-'.
 */
export const deliveryJobId = (deliveryId: string): string => `webhook-delivery-${deliveryId}`;

const deliveryJobOptions = (deliveryId: string): JobsOptions => ({
  jobId: deliveryJobId(deliveryId),
  attempts: WEBHOOK_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
});

/** Wakes the worker for these delivery rows (the emitter after creating them, the start-up sweep). */
export async function enqueueDeliveries(queues: QueuesService, deliveryIds: string[]): Promise<void> {
  if (!deliveryIds.length) return;
  await queues.addBulk(
    QueueName.Webhooks,
    deliveryIds.map((id) => ({
      name: JobName.DeliverWebhook,
      data: { deliveryId: id, ...jobOrigin() } satisfies DeliverWebhookJob,
      opts: deliveryJobOptions(id),
    })),
  );
}
