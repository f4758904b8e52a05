import type { JsonValue } from '../model/flag-config';
import { bucketContext, NOT_BUCKETABLE } from './bucketing';
import { ERROR, type CompiledClause, type CompiledFlag, type CompiledSegment, type CompiledServe } from './compile';
import type { EvalContext } from './context';
import type { FlagStore } from './flag-store';
import { matchValue, Op } from './operators';
import { MALFORMED_FLAG, OFF, TARGET_MATCH } from './reasons';
import type { Tracer } from './trace';
import type { EvalReason } from './types';

/**
 * The evaluation engine (protocols.md §2.3–§2.6), synchronous and allocation-free on the hot path.
 *
 * Functions return a variation index (>= 0), NO_VARIATION (-1: serve the caller's default) or
 * ERROR (-2: MALFORMED_FLAG), and leave the reason in `state.reason`. Evaluation never nests
 * across top-level calls (it is synchronous), so the per-evaluation state is module-level and
 * reset at the start of every top-level evaluation; the recursion stacks are push/pop.
 */
const MATCH = 1;
const NO_MATCH = 0;
type ClauseResult = typeof MATCH | typeof NO_MATCH | typeof ERROR;

export const state = {
  reason: OFF,
  /** An unbounded (big) segment was consulted: the reason gets bigSegmentsStatus NOT_CONFIGURED. */
  bigSegments: false,
  /** Keys of the prerequisites being evaluated (the SDK's visitedFlags: the top flag is not on it). */
  prerequisiteChain: [] as string[],
  /** Keys of the segments being evaluated (recursion detection). */
  segmentChain: [] as string[],
  /** Non-null only while tracing. */
  tracer: null as Tracer | null,
};

export function resetState(tracer: Tracer | null): void {
  state.reason = OFF;
  state.bigSegments = false;
  // Setting an array's length is a runtime call; the stacks are empty unless an evaluation threw.
  if (state.prerequisiteChain.length !== 0) state.prerequisiteChain.length = 0;
  if (state.segmentChain.length !== 0) state.segmentChain.length = 0;
  state.tracer = tracer;
}

function served(index: number, reason: EvalReason): number {
  if (index === ERROR) {
    state.reason = MALFORMED_FLAG;
    return ERROR;
  }
  state.reason = reason;
  return index;
}

function malformed(): number {
  state.reason = MALFORMED_FLAG;
  return ERROR;
}

export function evalFlag(store: FlagStore, f: CompiledFlag, ctx: EvalContext): number {
  const tracer = state.tracer;
  if (!f.on) {
    if (tracer !== null) tracer.off(f);
    return served(f.off, OFF);
  }

  const prerequisites = f.prerequisites;
  // Like the SDK, a cycle marks the result MALFORMED_FLAG but the remaining prerequisites are still
  // checked, and a later failure (PREREQUISITE_FAILED or another error) replaces it.
  let cycle = false;
  for (let i = 0; i < prerequisites.length; i++) {
    const p = prerequisites[i];
    const chain = state.prerequisiteChain;
    if (chain.includes(p.key)) {
      if (tracer !== null) tracer.prerequisiteCycle(f, p);
      cycle = true;
      continue;
    }
    const pf = store.flag(p.key);
    if (pf === undefined) {
      if (tracer !== null) tracer.prerequisiteMissing(f, p);
      return served(f.off, p.failed);
    }
    chain.push(p.key);
    const r = evalFlag(store, pf, ctx);
    chain.pop();
    if (r === ERROR) {
      if (tracer !== null) tracer.prerequisite(f, p, r, state.reason, false);
      return ERROR; // the prerequisite's error is the result
    }
    // An off prerequisite fails even when its off variation is the required one.
    const passed = r >= 0 && r === p.variation && state.reason.kind !== 'OFF';
    if (tracer !== null) tracer.prerequisite(f, p, r, state.reason, passed);
    if (!passed) return served(f.off, p.failed);
  }
  if (cycle) return malformed();

  const targets = f.targets;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    const key = ctx.keyFor(t.kind);
    if (key !== undefined && t.values.has(key)) {
      if (tracer !== null) tracer.target(f, t, key);
      return served(t.result, TARGET_MATCH);
    }
  }

  const rules = f.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const m = rule.clauses === null ? NO_MATCH : matchClauses(store, rule.clauses, ctx, f.key, null, i);
    if (tracer !== null) tracer.rule(f, rule, m);
    if (m === NO_MATCH) continue;
    if (m === ERROR) return malformed();
    return serve(f, rule.serve, rule.reason, rule.reasonInExperiment, ctx);
  }

  if (tracer !== null) tracer.fallthrough(f);
  return serve(f, f.fallthrough, f.fallthroughReason, f.fallthroughReasonInExperiment, ctx);
}

function serve(
  f: CompiledFlag,
  s: CompiledServe,
  reason: EvalReason,
  experimentReason: EvalReason,
  ctx: EvalContext,
): number {
  if (!s.rollout) return served(s.fixed, reason);
  if (!s.ref.valid) return malformed();
  let bucket = bucketContext(ctx, s.prefix, s.ref, s.kind);
  let hadContext = true;
  if (bucket === NOT_BUCKETABLE) {
    bucket = 0;
    hadContext = ctx.hasKind(s.kind);
  }
  const sums = s.sums;
  const n = sums.length;
  let i = 0;
  while (i < n && !(bucket < sums[i])) i++;
  // In range: experiment needs the context kind; past the end (weights < 100%): the last entry,
  // and the SDK checks only experiment && !untracked.
  const inExperiment = i < n ? s.experiment && hadContext && !s.untracked[i] : s.experiment && !s.untracked[n - 1];
  if (i === n) i = n - 1;
  if (state.tracer !== null) state.tracer.rollout(f, s, bucket, i, inExperiment);
  return served(s.results[i], inExperiment ? experimentReason : reason);
}

/**
 * All clauses must match. Like the SDK's series iteration, an erroring clause does not stop the
 * rule: the result is that of the last clause evaluated (so an error followed by a matching clause
 * matches), and the first non-matching clause ends the rule without error.
 */
function matchClauses(
  store: FlagStore,
  clauses: readonly CompiledClause[],
  ctx: EvalContext,
  flagKey: string | null,
  segmentKey: string | null,
  ruleIndex: number,
): ClauseResult {
  const tracer = state.tracer;
  let last: ClauseResult = MATCH;
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i];
    const r = c.op === Op.SegmentMatch ? matchSegmentClause(store, c, ctx) : matchClause(c, ctx);
    if (tracer !== null) tracer.clause(flagKey, segmentKey, ruleIndex, i, c, ctx, r);
    if (r === NO_MATCH) return NO_MATCH;
    last = r;
  }
  return last;
}

function matchClause(c: CompiledClause, ctx: EvalContext): ClauseResult {
  if (!c.ref.valid) return ERROR;
  const v = ctx.valueOf(c.kind, c.ref);
  // Missing kind or value: false regardless of negate.
  if (v === null || v === undefined) return NO_MATCH;
  let m = false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (matchValue(c.operands, v[i])) {
        m = true;
        break;
      }
    }
  } else {
    m = matchValue(c.operands, v);
  }
  return m !== c.negate ? MATCH : NO_MATCH;
}

function matchSegmentClause(store: FlagStore, c: CompiledClause, ctx: EvalContext): ClauseResult {
  const keys = c.segmentKeys;
  let member = false;
  for (let i = 0; i < keys.length; i++) {
    const segment = store.segment(keys[i]);
    if (segment === undefined) {
      if (state.tracer !== null) state.tracer.segmentNotFound(keys[i]);
      continue; // an unknown segment is a non-member, not an error
    }
    const chain = state.segmentChain;
    if (chain.includes(segment.segmentKey)) {
      if (state.tracer !== null) state.tracer.segmentCycle(segment);
      return ERROR;
    }
    chain.push(segment.segmentKey);
    const r = segmentMembership(store, segment, ctx);
    chain.pop();
    if (r === ERROR) return ERROR;
    if (r === MATCH) {
      member = true;
      break;
    }
  }
  return member !== c.negate ? MATCH : NO_MATCH;
}

function inTargets(segment: CompiledSegment, included: boolean, ctx: EvalContext): boolean {
  const targets = included ? segment.includedContexts : segment.excludedContexts;
  for (let i = 0; i < targets.length; i++) {
    const key = ctx.keyFor(targets[i].kind);
    if (key && targets[i].values.has(key)) return true;
  }
  const users = included ? segment.included : segment.excluded;
  if (users.size > 0) {
    const key = ctx.keyFor('user');
    if (key && users.has(key)) return true;
  }
  return false;
}

function segmentMembership(store: FlagStore, segment: CompiledSegment, ctx: EvalContext): ClauseResult {
  const tracer = state.tracer;
  if (!segment.unbounded) {
    if (inTargets(segment, true, ctx)) {
      if (tracer !== null) tracer.segment(segment, true, 'included');
      return MATCH;
    }
    if (inTargets(segment, false, ctx)) {
      if (tracer !== null) tracer.segment(segment, false, 'excluded');
      return NO_MATCH;
    }
  } else {
    // Big segment, and Gantry has no big-segment store: like the Node SDK without one, the status
    // is NOT_CONFIGURED and only the segment's rules decide (target lists are skipped).
    if (!ctx.keyFor(segment.unboundedKind)) {
      if (tracer !== null) tracer.segment(segment, false, 'unbounded-no-key');
      return NO_MATCH;
    }
    state.bigSegments = true;
    if (!segment.hasGeneration) {
      if (tracer !== null) tracer.segment(segment, false, 'unbounded-no-generation');
      return NO_MATCH;
    }
  }
  const rules = segment.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.clauses === null) continue;
    const m = matchClauses(store, rule.clauses, ctx, null, segment.key, i);
    if (m === ERROR) {
      if (tracer !== null) tracer.segment(segment, false, 'error', i);
      return ERROR;
    }
    if (m === NO_MATCH) continue;
    if (rule.weight === undefined) {
      if (tracer !== null) tracer.segment(segment, true, 'rule', i);
      return MATCH;
    }
    if (!rule.ref.valid) {
      if (tracer !== null) tracer.segment(segment, false, 'error', i);
      return ERROR;
    }
    let bucket = bucketContext(ctx, segment.prefix, rule.ref, rule.kind);
    if (bucket === NOT_BUCKETABLE) bucket = 0;
    const inWeight = bucket < rule.weight / 100000;
    if (tracer !== null) tracer.segmentWeight(segment, i, bucket, rule.weight, inWeight);
    if (inWeight) {
      if (tracer !== null) tracer.segment(segment, true, 'rule', i);
      return MATCH;
    }
  }
  if (tracer !== null) tracer.segment(segment, false, 'no-rule-matched');
  return NO_MATCH;
}

/** The served value for an index from evalFlag (the default for NO_VARIATION and ERROR). */
export function valueFor(f: CompiledFlag, index: number, defaultValue: JsonValue | null): JsonValue | null {
  return index >= 0 ? f.variations[index] : defaultValue;
}
