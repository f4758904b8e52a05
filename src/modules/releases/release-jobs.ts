import { alarmId, setAlarms } from '../../infra/queues/alarm-jobs';
import { invalidPayload, isUuid, jobOrigin, parseJobOrigin, type JobOrigin } from '../../infra/queues/job-payload';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface StepReleaseJob extends JobOrigin {
  releaseId: string;
  /** The stage this step moves to; stages.length means "the last stage's hold is over". */
  stage: number;
  /** When the step is due (epoch ms: the release's nextStepAt the alarm was set for); absent on older jobs. */
  dueAt?: number;
}

export function parseStepReleaseJob(data: unknown): StepReleaseJob {
  const { releaseId, stage, dueAt } = (data ?? {}) as Partial<StepReleaseJob>;
  if (!isUuid(releaseId) || typeof stage !== 'number' || !Number.isInteger(stage) || stage < 0)
    throw invalidPayload(JobName.StepRelease);
  // Only a label of when to run (the release's own time is checked under its lock): a bad one is dropped.
  const due = typeof dueAt === 'number' && Number.isSafeInteger(dueAt) && dueAt > 0 ? { dueAt } : {};
  return { releaseId, stage, ...due, ...parseJobOrigin(data) };
}

/** The alarm for a running release's next step (see alarm-jobs.ts). */
export function setStepAlarms(
  queues: QueuesService,
  releases: { id: string; currentStage: number; nextStepAt: Date | null }[],
  now: Date,
): Promise<void> {
  const alarms = releases
    .filter((r): r is { id: string; currentStage: number; nextStepAt: Date } => r.nextStepAt !== null)
    .map((r) => ({
      id: alarmId('release', `${r.id}-${r.currentStage + 1}`, r.nextStepAt),
      at: r.nextStepAt,
      data: {
        releaseId: r.id,
        stage: r.currentStage + 1,
        dueAt: r.nextStepAt.getTime(),
        ...jobOrigin(),
      } satisfies StepReleaseJob,
    }));
  return setAlarms(queues, QueueName.Changes, JobName.StepRelease, alarms, now);
}
