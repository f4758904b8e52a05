/**
 * Every queue and job Gantry knows, by name (conventions §8). Each job name has exactly one
 * handler; the worker refuses to start otherwise. Later issues add schedules, releases, webhooks.
 */
export enum QueueName {
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Recomputes the audit hash chain and records the result (long; reports progress). */
  VerifyAuditChain = 'audit.verify-chain',
}

export const JOBS_BY_QUEUE: Record<QueueName, JobName[]> = {
  [QueueName.Maintenance]: [JobName.VerifyAuditChain],
};
