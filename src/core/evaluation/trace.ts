import type { JsonValue } from '../model/flag-config';
import type {
  CompiledClause,
  CompiledFlag,
  CompiledPrerequisite,
  CompiledRule,
  CompiledSegment,
  CompiledServe,
  CompiledTarget,
} from './compile';
import { ERROR } from './compile';
import type { EvalContext } from './context';
import { jsString } from './js-string';
import { Op } from './operators';
import type { EvalReason, TraceStep } from './types';

/**
 * Records the path of one evaluation for the management "explain" endpoint. Only constructed
 * when `options.trace` is set; the engine calls it behind `tracer !== null` checks, so an
 * untraced evaluation pays nothing. Steps come in evaluation order; every step names the flag or
 * segment it belongs to, so nested prerequisite and segment evaluations read unambiguously.
 */
const resultName = (r: number): JsonValue => (r === 1 ? 'match' : r === 0 ? 'no-match' : 'error');
const indexOrNull = (i: number): JsonValue => (i >= 0 ? i : null);
/** Context values come from JSON; anything else is shown as its string form. */
function asJson(v: unknown): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'object') return v as JsonValue;
  return jsString(v);
}

export class Tracer {
  readonly steps: TraceStep[] = [];

  private add(step: TraceStep['step'], detail: Record<string, JsonValue>): void {
    this.steps.push({ step, detail });
  }

  off(f: CompiledFlag): void {
    this.add('off', { flag: f.key, offVariation: indexOrNull(f.off) });
  }

  prerequisiteCycle(f: CompiledFlag, p: CompiledPrerequisite): void {
    this.add('prerequisite', { flag: f.key, prerequisite: p.key, cycle: true, passed: false });
  }

  prerequisiteMissing(f: CompiledFlag, p: CompiledPrerequisite): void {
    this.add('prerequisite', { flag: f.key, prerequisite: p.key, found: false, passed: false });
  }

  prerequisite(f: CompiledFlag, p: CompiledPrerequisite, result: number, reason: EvalReason, passed: boolean): void {
    this.add('prerequisite', {
      flag: f.key,
      prerequisite: p.key,
      requiredVariation: asJson(p.variation),
      variationIndex: indexOrNull(result),
      reasonKind: reason.kind,
      passed,
    });
  }

  target(f: CompiledFlag, t: CompiledTarget, key: string): void {
    this.add('target', { flag: f.key, contextKind: t.kind, key, variation: asJson(t.variation) });
  }

  rule(f: CompiledFlag, rule: CompiledRule, result: number): void {
    this.add('rule', {
      flag: f.key,
      ruleIndex: rule.index,
      ruleId: rule.id,
      result: rule.clauses === null ? 'no-clauses' : resultName(result),
    });
  }

  clause(
    flagKey: string | null,
    segmentKey: string | null,
    ruleIndex: number,
    clauseIndex: number,
    c: CompiledClause,
    ctx: EvalContext,
    result: number,
  ): void {
    const detail: Record<string, JsonValue> = flagKey !== null ? { flag: flagKey } : { segment: segmentKey };
    detail.ruleIndex = ruleIndex;
    detail.clauseIndex = clauseIndex;
    detail.op = c.opName;
    detail.values = c.values as JsonValue[];
    detail.negate = c.negate;
    if (c.op !== Op.SegmentMatch) {
      detail.contextKind = c.kind;
      detail.attribute = c.ref.text;
      if (!c.ref.valid) detail.invalidReference = true;
      else {
        const v = ctx.valueOf(c.kind, c.ref);
        if (v !== undefined) detail.contextValue = asJson(v);
      }
    }
    detail.result = resultName(result);
    this.add('clause', detail);
  }

  segmentNotFound(key: string): void {
    this.add('segment', { segment: key, found: false, member: false });
  }

  segmentCycle(segment: CompiledSegment): void {
    this.add('segment', { segment: segment.key, cycle: true, result: 'error' });
  }

  segment(segment: CompiledSegment, member: boolean, via: string, ruleIndex?: number): void {
    const detail: Record<string, JsonValue> = { segment: segment.key, member, via };
    if (ruleIndex !== undefined) detail.ruleIndex = ruleIndex;
    if (via === 'error') detail.result = 'error';
    this.add('segment', detail);
  }

  segmentWeight(segment: CompiledSegment, ruleIndex: number, bucket: number, weight: number, inWeight: boolean): void {
    this.add('rollout', { segment: segment.key, ruleIndex, bucket, weight: asJson(weight), member: inWeight });
  }

  fallthrough(f: CompiledFlag): void {
    this.add('fallthrough', { flag: f.key });
  }

  rollout(f: CompiledFlag, s: CompiledServe, bucket: number, entry: number, inExperiment: boolean): void {
    const variation = s.results[entry];
    this.add('rollout', {
      flag: f.key,
      kind: s.experiment ? 'experiment' : 'rollout',
      contextKind: s.kind,
      bucketBy: s.ref.text,
      seeded: s.seeded,
      bucket,
      entry,
      variation: variation === ERROR ? null : variation,
      inExperiment,
    });
  }
}
