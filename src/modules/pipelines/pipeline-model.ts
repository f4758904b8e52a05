import type { Stage } from '../../core/release';
import type { GuardDto } from '../releases/dto/releases.dto';

export interface Audience {
  environmentKey: string;
  strategy: { kind: 'immediate' | 'staged' | 'guarded'; stages?: Stage[]; guard?: GuardDto };
  requireApproval: boolean;
}

export interface Phase {
  name: string;
  audiences: Audience[];
}

export type AudienceStatus = 'pending' | 'waiting_approval' | 'running' | 'completed' | 'failed' | 'aborted';

export interface AudienceState {
  phase: number;
  environmentKey: string;
  status: AudienceStatus;
  releaseId?: string;
  changeRequestId?: string;
  error?: string;
}

export const initialAudiences = (phases: Phase[]): AudienceState[] =>
  phases.flatMap((p, phase) =>
    p.audiences.map((a) => ({ phase, environmentKey: a.environmentKey, status: 'pending' as const })),
  );

/** The instruction that makes an audience's environment serve the variation to everyone (the end state). */
export const finalInstruction = (variationId: string) => ({ kind: 'updateFallthroughVariationOrRollout', variationId });
