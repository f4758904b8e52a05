import type { JobsOptions } from 'bullmq';

export interface DeliverWebhookJob {
  deliveryId: string;
}

/** Attempts per delivery, backoff 1 s, 2 s, 4 s, 8 s between them. */
export const WEBHOOK_ATTEMPTS = 5;

/**
 * Deterministic job id, so enqueuing the same delivery twice (the start-up sweep, a retried emit)
 * collapses into one job. BullMQ refuses custom ids with a single ':', hence the '-'.
 */
export const deliveryJobId = (deliveryId: string): string => `webhook-delivery-${deliveryId}`;

export const deliveryJobOptions = (deliveryId: string): JobsOptions => ({
  jobId: deliveryJobId(deliveryId),
  attempts: WEBHOOK_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
});
