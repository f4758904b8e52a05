import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface ApplyScheduledChangeRequestJob {
  changeRequestId: string;
}

/**
 * One job per request and execution date: re-scheduling to another date makes a new job, and the
 * old one finds the request not due (or no longer scheduled) and does nothing. Enqueuing the same
 * pair twice (the start-up sweep) collapses into one job.
 */
export const scheduledJobId = (id: string, executionDate: Date) => `change-request-${id}-${executionDate.getTime()}`;

export async function enqueueScheduledApplies(queues: QueuesService, requests: { id: string; executionDate: Date | null }[], now: Date): Promise<void> {
  const due = requests.filter((r): r is { id: string; executionDate: Date } => r.executionDate !== null);
  if (!due.length) return;
  await queues.queue(QueueName.Changes).addBulk(
    due.map((r) => ({
      name: JobName.ApplyScheduledChangeRequest,
      data: { changeRequestId: r.id } satisfies ApplyScheduledChangeRequestJob,
      opts: {
        jobId: scheduledJobId(r.id, r.executionDate),
        delay: Math.max(0, r.executionDate.getTime() - now.getTime()),
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { count: 1_000 },
      },
    })),
  );
}
