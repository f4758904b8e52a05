import { alarmId, setAlarms } from '../../infra/queues/alarm-jobs';
import { invalidPayload, isUuid, jobOrigin, parseJobOrigin, type JobOrigin } from '../../infra/queues/job-payload';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface ApplyScheduledChangeJob extends JobOrigin {
  scheduledChangeId: string;
}

export function parseApplyScheduledChangeJob(data: unknown): ApplyScheduledChangeJob {
  const id = (data as Partial<ApplyScheduledChangeJob> | null | undefined)?.scheduledChangeId;
  if (!isUuid(id)) throw invalidPayload(JobName.ApplyScheduledChange);
  return { scheduledChangeId: id, ...parseJobOrigin(data) };
}

/** One alarm per schedule and execution time (see alarm-jobs.ts). */
export const scheduleAlarms = (queues: QueuesService, rows: { id: string; executionDate: Date }[], now: Date) =>
  setAlarms(
    queues,
    QueueName.Changes,
    JobName.ApplyScheduledChange,
    rows.map((r) => ({
      id: alarmId('scheduled-change', r.id, r.executionDate),
      at: r.executionDate,
      data: { scheduledChangeId: r.id, ...jobOrigin() } satisfies ApplyScheduledChangeJob,
    })),
    now,
  );
