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
  executionDate: Date;
  comment: string;
  /** `pending`, `applied`, `failed`. */
  status: string;
  createdBy: ScheduledChangeCreator;
  failure: ScheduledChangeFailure | null;
  appliedVersion: number | null;
  appliedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
