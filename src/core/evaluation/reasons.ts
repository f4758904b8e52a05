import type { EvalErrorKind, EvalReason } from './types';

/**
 * Shared, frozen reason objects: evaluation never allocates a reason unless it carries per-call
 * data (only `bigSegmentsStatus` does). Rule and prerequisite reasons are built once per compiled
 * flag. Callers must treat reasons as immutable.
 */
export const OFF: EvalReason = Object.freeze({ kind: 'OFF' });
export const FALLTHROUGH: EvalReason = Object.freeze({ kind: 'FALLTHROUGH' });
export const FALLTHROUGH_EXPERIMENT: EvalReason = Object.freeze({ kind: 'FALLTHROUGH', inExperiment: true });
export const TARGET_MATCH: EvalReason = Object.freeze({ kind: 'TARGET_MATCH' });

const errors = new Map<EvalErrorKind, EvalReason>();
export function errorReason(errorKind: EvalErrorKind): EvalReason {
  let r = errors.get(errorKind);
  if (r === undefined) {
    r = Object.freeze({ kind: 'ERROR', errorKind });
    errors.set(errorKind, r);
  }
  return r;
}
export const MALFORMED_FLAG = errorReason('MALFORMED_FLAG');
export const FLAG_NOT_FOUND = errorReason('FLAG_NOT_FOUND');
export const WRONG_TYPE = errorReason('WRONG_TYPE');

/** `ruleId` is present only when the rule has an id (null ids are dropped on ingest, as in the SDK). */
export function ruleMatch(ruleIndex: number, ruleId: unknown, inExperiment: boolean): EvalReason {
  const r: { kind: 'RULE_MATCH'; ruleIndex: number; ruleId?: string; inExperiment?: true } = {
    kind: 'RULE_MATCH',
    ruleIndex,
  };
  if (ruleId !== undefined && ruleId !== null) r.ruleId = ruleId as string;
  if (inExperiment) r.inExperiment = true;
  return Object.freeze(r);
}

export function prerequisiteFailed(prerequisiteKey: string): EvalReason {
  return Object.freeze({ kind: 'PREREQUISITE_FAILED', prerequisiteKey });
}

export function withBigSegmentsStatus(reason: EvalReason): EvalReason {
  return { ...reason, bigSegmentsStatus: 'NOT_CONFIGURED' };
}
