import type { PhaseState, PlanPhase, PlanStrategy } from '../../core/release';

export type { PhaseState, PlanPhase } from '../../core/release';

/** An audience as the legacy `/release-pipelines` endpoints show it (several per pipeline phase). */
export interface Audience {
  environmentKey: string;
  strategy: PlanStrategy;
  requireApproval: boolean;
}

/** A pipeline phase (legacy view): audiences that run in parallel. */
export interface Phase {
  name: string;
  audiences: Audience[];
}

/**
 * A pipeline's phases as plan phases, the mapping the migration applies to stored rows (README
 * "Release plans" → migration): each audience becomes a phase named after its pipeline phase; the
 * first of a pipeline phase starts when the one before finished (`previous`), the others start with
 * it (`with_previous`).
 */
export const pipelineToPlanPhases = (phases: Phase[]): PlanPhase[] =>
  phases.flatMap((p) =>
    p.audiences.map((a, i): PlanPhase => ({
      name: p.name,
      environmentKey: a.environmentKey,
      strategy: a.strategy,
      requireApproval: a.requireApproval,
      soakMs: 0,
      turnFlagOn: false,
      trigger: { kind: i === 0 ? 'previous' : 'with_previous' },
    })),
  );

/** The plan's phases as pipeline phases: a `with_previous` phase joins the group of the one before. */
export function planToPipelinePhases(phases: readonly PlanPhase[]): Phase[] {
  const out: Phase[] = [];
  for (const p of phases) {
    const audience = { environmentKey: p.environmentKey, strategy: p.strategy, requireApproval: p.requireApproval };
    if (p.trigger.kind === 'with_previous' && out.length) out[out.length - 1].audiences.push(audience);
    else out.push({ name: p.name, audiences: [audience] });
  }
  return out;
}

export type AudienceState = PhaseState;

/** The instruction that makes a phase's environment serve the variation to everyone (the end state). */
export const finalInstruction = (variationId: string) => ({ kind: 'updateFallthroughVariationOrRollout', variationId });
