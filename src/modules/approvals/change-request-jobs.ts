import { alarmId, setAlarms } from '../../infra/queues/alarm-jobs';
import { invalidPayload, isUuid, jobOrigin, parseJobOrigin, type JobOrigin } from '../../infra/queues/job-payload';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface ApplyScheduledChangeRequestJob extends JobOrigin {
  changeRequestId: string;
}

export function parseApplyScheduledChangeRequestJob(data: unknown): ApplyScheduledChangeRequestJob {
  const id = (data as Partial<ApplyScheduledChangeRequestJob> | null | undefined)?.changeRequestId;
  if (!isUuid(id)) throw invalidPayload(JobName.ApplyScheduledChangeRequest);
  return { changeRequestId: id, ...parseJobOrigin(data) };
}

/** One alarm per request and execution date (see alarm-jobs.ts). */
export function enqueueScheduledApplies(
  queues: QueuesService,
  requests: { id: string; executionDate: Date | null }[],
  now: Date,
): Promise<void> {
  const alarms = requests
    .filter((r): r is { id: string; executionDate: Date } => r.executionDate !== null)
    .map((r) => ({
      id: alarmId('change-request', r.id, r.executionDate),
      at: r.executionDate,
      data: { changeRequestId: r.id, ...jobOrigin() } satisfies ApplyScheduledChangeRequestJob,
    }));
  return setAlarms(queues, QueueName.Changes, JobName.ApplyScheduledChangeRequest, alarms, now);
}
