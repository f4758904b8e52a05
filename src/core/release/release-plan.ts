import type { FieldError } from '../errors';
import { validateStages, type Stage } from './stages';

/**
 * Release plans: a versioned template of ordered environment phases, each with its audience steps
 * and a start trigger, that a flag goes through towards one variation (README "Release plans").
 * This file is the pure part: what a valid plan is, and which waiting phases may start now.
 */

/**
 * What starts a phase. `previous`: the phase before it (and the phases that run with that one) finished,
 * soak included; for the first phase, the run's start. `with_previous`: starts when the phase before
 * it starts (what parallel audiences of one pipeline phase became). `deploy`: a deploy signal of
 * `service` to the phase's environment. `first_evaluation`: the first evaluation of the flag seen in
 * the phase's environment after the run started. `manual`: an explicit start.
 */
export type PlanTrigger =
  | { kind: 'manual' }
  | { kind: 'previous' }
  | { kind: 'with_previous' }
  | { kind: 'deploy'; service: string }
  | { kind: 'first_evaluation' };

export const TRIGGER_KINDS = ['manual', 'previous', 'with_previous', 'deploy', 'first_evaluation'] as const;
export const STRATEGY_KINDS = ['immediate', 'staged', 'guarded'] as const;

/** A guard as a release takes it (the releases module checks the metrics exist). */
export interface PlanGuard {
  metrics: string[];
  onRegression?: 'pause' | 'rollback';
  minSamplePerArm?: number;
  alpha?: number;
}

export interface PlanStrategy {
  kind: (typeof STRATEGY_KINDS)[number];
  stages?: Stage[];
  guard?: PlanGuard;
}

export interface PlanPhase {
  name: string;
  environmentKey: string;
  strategy: PlanStrategy;
  /** Open a change request for the phase and wait for its approval. */
  requireApproval: boolean;
  /** Hold after the phase's audience step finished before the phase counts as finished. */
  soakMs: number;
  /** The phase's first write turns the flag on (else a flag that is off refuses the start). */
  turnFlagOn: boolean;
  trigger: PlanTrigger;
}

export const MAX_SOAK_MS = 30 * 24 * 3600 * 1000;
export const MIN_EXPIRE_MS = 1_000;
export const MAX_EXPIRE_MS = 365 * 24 * 3600 * 1000;
export const MAX_PLAN_PHASES = 20;
const SERVICE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type PlanPhaseInput = Omit<PlanPhase, 'requireApproval' | 'soakMs' | 'turnFlagOn' | 'trigger' | 'name'> & {
  name?: string;
  requireApproval?: boolean;
  soakMs?: number;
  turnFlagOn?: boolean;
  trigger?: { kind: string; service?: string };
};

/**
 * Checks phases against the project's environment keys and returns clean copies with defaults
 * (trigger `previous`, no soak, no approval, flag not turned on), or every problem found, each
 * naming its field (`phases[1].trigger.service`).
 */
export function validatePlanPhases(
  phases: readonly PlanPhaseInput[],
  environmentKeys: readonly string[],
): { phases: PlanPhase[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  if (phases.length === 0) errors.push({ field: 'phases', reason: 'must have at least one phase' });
  if (phases.length > MAX_PLAN_PHASES)
    errors.push({ field: 'phases', reason: `must have at most ${MAX_PLAN_PHASES} phases` });
  const out = phases.map((p, i): PlanPhase => {
    const at = (f: string) => `phases[${i}].${f}`;
    if (!environmentKeys.includes(p.environmentKey))
      errors.push({ field: at('environmentKey'), reason: `no environment '${p.environmentKey}'` });
    else if (seen.has(p.environmentKey))
      errors.push({ field: at('environmentKey'), reason: `environment '${p.environmentKey}' appears twice` });
    seen.add(p.environmentKey);
    const { kind } = p.strategy;
    if (kind === 'immediate' && (p.strategy.stages || p.strategy.guard))
      errors.push({ field: at('strategy'), reason: 'an immediate phase has no stages or guard' });
    if (kind !== 'immediate') {
      try {
        validateStages(p.strategy.stages);
      } catch (e) {
        errors.push({ field: at('strategy.stages'), reason: (e as Error).message });
      }
    }
    if (kind === 'guarded' && !p.strategy.guard)
      errors.push({ field: at('strategy.guard'), reason: 'a guarded phase needs a guard' });
    if (kind === 'staged' && p.strategy.guard)
      errors.push({ field: at('strategy.guard'), reason: 'a staged phase has no guard (use guarded)' });
    const soakMs = p.soakMs ?? 0;
    if (!Number.isInteger(soakMs) || soakMs < 0 || soakMs > MAX_SOAK_MS)
      errors.push({ field: at('soakMs'), reason: `must be an integer from 0 to ${MAX_SOAK_MS}` });
    const trigger = validTrigger(p.trigger ?? { kind: 'previous' }, i, at('trigger'), errors);
    return {
      name: p.name ?? p.environmentKey,
      environmentKey: p.environmentKey,
      strategy: {
        kind,
        ...(p.strategy.stages ? { stages: p.strategy.stages } : {}),
        ...(p.strategy.guard ? { guard: p.strategy.guard } : {}),
      },
      requireApproval: p.requireApproval ?? false,
      soakMs,
      turnFlagOn: p.turnFlagOn ?? false,
      trigger,
    };
  });
  return { phases: out, errors };
}

function validTrigger(t: { kind: string; service?: string }, index: number, field: string, errors: FieldError[]) {
  switch (t.kind) {
    case 'deploy':
      if (typeof t.service !== 'string' || !SERVICE.test(t.service)) {
        errors.push({ field: `${field}.service`, reason: 'a deploy trigger names the service (a key)' });
        return { kind: 'deploy', service: String(t.service ?? '') } as const;
      }
      return { kind: 'deploy', service: t.service } as const;
    case 'with_previous':
      if (index === 0) errors.push({ field: `${field}.kind`, reason: 'the first phase has no phase to start with' });
      break;
    case 'manual':
    case 'previous':
    case 'first_evaluation':
      break;
    default:
      errors.push({ field: `${field}.kind`, reason: `must be one of ${TRIGGER_KINDS.join(', ')}` });
      return { kind: 'manual' } as const;
  }
  if (t.service !== undefined) errors.push({ field: `${field}.service`, reason: `a ${t.kind} trigger has no service` });
  return { kind: t.kind } as PlanTrigger;
}

export function validExpireAfterMs(ms: number | undefined, errors: FieldError[]): void {
  if (ms === undefined) return;
  if (!Number.isInteger(ms) || ms < MIN_EXPIRE_MS || ms > MAX_EXPIRE_MS)
    errors.push({ field: 'expireAfterMs', reason: `must be an integer from ${MIN_EXPIRE_MS} to ${MAX_EXPIRE_MS}` });
}
