import type { JobsOptions } from 'bullmq';
import type { JobName, QueueName } from './queue-names';
import type { QueuesService } from './queues.service';

/**
 * Durable state lives in PostgreSQL; a delayed job is only the alarm clock (conventions §9). An
 * alarm has a deterministic id that includes its time, so setting the same alarm twice (a start-up
 * sweep) collapses into one job, and moving a row to another time makes a new alarm while the old
 * one wakes up to a row that is not due and does nothing.
 */
export interface Alarm<T> {
  id: string;
  at: Date;
  data: T;
}

/**
 * Alarms ring this much before their time and the handler waits out the rest in process
 * (waitUntilDue): BullMQ promotes delayed jobs on Redis's timer tick (100 ms at the default
 * `hz 10`), so an alarm set for the exact time would run up to a tick late.
 */
export const ALARM_LEAD_MS = 150;

/** In-process wait for a due time at most this far ahead; further out, the caller is simply early. */
const MAX_WAIT_MS = 1_000;

/** Waits until `at` if it is at most MAX_WAIT_MS away; returns whether it is now due. */
export async function waitUntilDue(at: Date, now: () => Date): Promise<boolean> {
  const ms = at.getTime() - now().getTime();
  if (ms <= 0) return true;
  if (ms > MAX_WAIT_MS) return false;
  await new Promise((resolve) => setTimeout(resolve, ms));
  // Timers may fire a hair early; never run before the due time.
  while (now().getTime() < at.getTime()) await new Promise((resolve) => setTimeout(resolve, 1));
  return true;
}

const ALARM_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
};

/** BullMQ refuses custom ids with a single ':', hence '-'. */
export const alarmId = (prefix: string, rowId: string, at: Date) => `${prefix}-${rowId}-${at.getTime()}`;

export async function setAlarms<T>(
  queues: QueuesService,
  queue: QueueName,
  name: JobName,
  alarms: Alarm<T>[],
  now: Date,
): Promise<void> {
  if (!alarms.length) return;
  await queues.addBulk(
    queue,
    alarms.map((a) => ({
      name,
      data: a.data,
      opts: { ...ALARM_OPTIONS, jobId: a.id, delay: Math.max(0, a.at.getTime() - now.getTime() - ALARM_LEAD_MS) },
    })),
  );
}
