import type { FieldError } from '../../core/errors';
import type { ActorRef } from '../accounts/models/actor';

/**
 * Who scheduled a change, whether the environment's approval settings gated it (they broke glass:
 * the runner applies it pre-approved), and why: the reason given at creation, or at the latest edit
 * of its instructions, which is break-glass too (absent on schedules made before reasons were required).
 */
export type ScheduledChangeCreator = ActorRef & { bypass?: boolean; bypassReason?: string };

/** Why a due change was refused: the write path's error. */
export interface ScheduledChangeFailure {
  code: string;
  message: string;
  errors: FieldError[];
}

/** A scheduled change as SchedulesRepository returns it, with its flag's project and environment keys. */
export interface ScheduledChange {
  id: string;
  environmentId: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  instructions: unknown[];
  /** When it applies; for a recurring schedule, its next occurrence. */
  executionDate: Date;
  /** A recurring schedule's cron expression and time zone (both null for a one-off). */
  cron: string | null;
  timeZone: string | null;
  comment: string;
  /** `pending`, `applied`, `failed`; a recurring schedule stays `pending`. */
  status: string;
  createdBy: ScheduledChangeCreator;
  failure: ScheduledChangeFailure | null;
  appliedVersion: number | null;
  appliedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Set by the runner on the row it hands to notify(): the occurrence that run dealt with. */
  occurrence?: { occurrenceAt: Date; outcome: OccurrenceOutcome; code?: string };
}

/** What happened at one occurrence of a recurring schedule. */
export type OccurrenceOutcome = 'applied' | 'unchanged' | 'failed' | 'skipped' | 'missed';

export interface ScheduledChangeOccurrence {
  occurrenceAt: Date;
  outcome: OccurrenceOutcome;
  version: number | null;
  failure: ScheduledChangeFailure | null;
  processedAt: Date;
}
