import type { FieldError } from '../../core/errors';
import type { PhaseOrigin, Stage } from '../../core/release';
import type { ActorRef } from '../accounts/models/actor';
import type { GuardCheck, GuardSettings } from '../guards/guard.service';
import type { StoredServing } from './release-serving';

export interface ReleaseTargetRef {
  ruleId: string | null;
  toVariationId: string;
  /** The variation named when the release started (value, and name if it has one); absent on older releases. */
  toVariation?: { value: unknown; name?: string };
}

export interface ReleaseBaseline {
  serving: StoredServing;
  /**
   * Whether the fallthrough (or rule) tracked events before a guarded release turned tracking on,
   * so a rollback turns it back off. Absent on releases started before it was kept: left as is.
   */
  trackEvents?: boolean;
}

/**
 * Who started a release, whether the environment's approval settings gated its final change, and
 * the break-glass reason when it was started past that approval (not pre-approved).
 */
export type ReleaseCreator = ActorRef & { bypass?: boolean; bypassReason?: string };

export interface ReleaseHistoryEntry {
  at: string;
  status: string;
  stage: number;
  actor: ActorRef;
  note: string;
}

/** Why a step failed: the write path's refusal. */
export interface ReleaseFailure {
  code: string;
  message: string;
  errors: FieldError[];
}

/** A release as ReleasesRepository returns it, with its flag's project and environment keys. */
export interface Release {
  id: string;
  environmentId: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  /** `running`, `paused`, `completed`, `rolled_back`, `failed`. */
  status: string;
  activeKey: string | null;
  target: ReleaseTargetRef;
  stages: Stage[];
  currentStage: number;
  nextStepAt: Date | null;
  remainingMs: number | null;
  guard: GuardSettings | null;
  guardResult: GuardCheck | null;
  baseline: ReleaseBaseline;
  baselineVersion: number;
  createdBy: ReleaseCreator;
  /** The release plan phase that started it; null when started directly. */
  origin: PhaseOrigin | null;
  failure: ReleaseFailure | null;
  history: ReleaseHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}
