import { alarmId, setAlarms } from '../../infra/queues/alarm-jobs';
import { invalidPayload, isUuid, jobOrigin, parseJobOrigin, type JobOrigin } from '../../infra/queues/job-payload';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface AdvancePipelineJob extends JobOrigin {
  runId: string;
}

export function parseAdvancePipelineJob(data: unknown): AdvancePipelineJob {
  const id = (data as Partial<AdvancePipelineJob> | null | undefined)?.runId;
  if (!isUuid(id)) throw invalidPayload(JobName.AdvancePipeline);
  return { runId: id, ...parseJobOrigin(data) };
}

/** How often a running pipeline looks at its audiences (releases, change requests). */
export const PIPELINE_TICK_MS = 1_000;

/** Sets the next look at a run (the worker's alarm; see alarm-jobs.ts). */
export const armPipeline = (queues: QueuesService, runIds: string[], at: Date, now: Date) =>
  setAlarms(
    queues,
    QueueName.Changes,
    JobName.AdvancePipeline,
    runIds.map((id) => ({
      id: alarmId('pipeline', id, at),
      at,
      data: { runId: id, ...jobOrigin() } satisfies AdvancePipelineJob,
    })),
    now,
  );
