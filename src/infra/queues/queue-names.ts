/**
 * Every queue and job Gantry knows, by name (conventions §8). Each job name has exactly one
 * handler; the worker refuses to start otherwise. Later issues add schedules, releases, webhooks.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  /** Outbound webhook deliveries: their own queue, so a slow receiver never delays maintenance. */
  Webhooks = 'webhooks',
  /** Changes Gantry makes on its own at a set time (scheduled change requests and changes, release steps). */
  Changes = 'changes',
}

export enum JobName {
  /** Recomputes the audit hash chain and records the result (long; reports progress). */
  VerifyAuditChain = 'audit.verify-chain',
  /** Deletes what has outlived its retention: published outbox rows, old SDK events (hourly). */
  PruneRetention = 'maintenance.prune',
  /** POSTs one WebhookDelivery to its webhook (retried with backoff by BullMQ). */
  DeliverWebhook = 'webhook.deliver',
  /** Applies one scheduled change request when due (the row is the state; the delayed job is the alarm clock). */
  ApplyScheduledChangeRequest = 'change-request.apply-scheduled',
  /** Applies one scheduled change when due. */
  ApplyScheduledChange = 'scheduled-change.apply',
  /** Takes one staged release to its next stage when due. */
  StepRelease = 'release.step',
  /** Looks at a running pipeline release: starts audiences, follows them, moves to the next phase. */
  AdvancePipeline = 'pipeline.advance',
  /** Computes flag lifecycle states, notifies stale flags and applies each project's archival policy (hourly). */
  LifecycleSweep = 'lifecycle.sweep',
}

export const JOBS_BY_QUEUE: Record<QueueName, JobName[]> = {
  [QueueName.Maintenance]: [JobName.VerifyAuditChain, JobName.PruneRetention, JobName.LifecycleSweep],
  [QueueName.Webhooks]: [JobName.DeliverWebhook],
  [QueueName.Changes]: [
    JobName.ApplyScheduledChangeRequest,
    JobName.ApplyScheduledChange,
    JobName.StepRelease,
    JobName.AdvancePipeline,
  ],
};
