import { alarmId, setAlarms } from '../../infra/queues/alarm-jobs';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import type { QueuesService } from '../../infra/queues/queues.service';

export interface StepReleaseJob {
  releaseId: string;
  /** The stage this step moves to; stages.length means "the last stage's hold is over". */
  stage: number;
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
      data: { releaseId: r.id, stage: r.currentStage + 1 } satisfies StepReleaseJob,
    }));
  return setAlarms(queues, QueueName.Changes, JobName.StepRelease, alarms, now);
}
