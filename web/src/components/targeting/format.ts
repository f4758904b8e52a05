/**
 * Pure formatting of targeting for people: variations by name and value (never index or id),
 * rollout weights as percentages, operators in words. No React here, so it is easy to test and reuse.
 */
import type { components } from '../../../../openapi/schema';

type Schemas = components['schemas'];
export type Variation = Schemas['VariationDto'];
export type Clause = Schemas['ClauseDto'];
export type Rollout = Schemas['RolloutDto'];
export type VariationOrRollout = Schemas['VariationOrRolloutDto'];

/** A JSON value as short text: strings quoted, objects and arrays as compact JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/** A variation as people know it: its name with its value, or its value alone. */
export function variationLabel(variations: readonly Variation[], index: number | null | undefined): string {
  if (index === null || index === undefined) return 'no variation (the SDK default)';
  const v = variations[index];
  if (!v) return `an unknown variation`;
  const value = formatValue(v.value);
  return v.name && v.name !== value ? `${v.name} (${value})` : value;
}

/** Rollout weights are thousandths of a percent (out of 100000): 25000 → "25%", 33333 → "33.333%". */
export function percent(weight: number): string {
  return `${Number((weight / 1000).toFixed(3))}%`;
}

/** A share of a total as a percentage with at most one decimal: 1 of 3 → "33.3%". */
export function share(count: number, total: number): string {
  if (total <= 0) return '0%';
  return `${Number(((count / total) * 100).toFixed(1))}%`;
}

const OPERATORS: Record<Clause['op'], [string, string]> = {
  in: ['is one of', 'is not one of'],
  endsWith: ['ends with', 'does not end with'],
  startsWith: ['starts with', 'does not start with'],
  matches: ['matches the pattern', 'does not match the pattern'],
  contains: ['contains', 'does not contain'],
  lessThan: ['is less than', 'is not less than'],
  lessThanOrEqual: ['is at most', 'is not at most'],
  greaterThan: ['is greater than', 'is not greater than'],
  greaterThanOrEqual: ['is at least', 'is not at least'],
  before: ['is before', 'is not before'],
  after: ['is after', 'is not after'],
  semVerEqual: ['is version', 'is not version'],
  semVerLessThan: ['is a version below', 'is not a version below'],
  semVerGreaterThan: ['is a version above', 'is not a version above'],
  segmentMatch: ['is in segment', 'is not in segment'],
};

/** An operator in words, negated when the clause is: ("in", true) → "is not one of". */
export function operatorWords(op: Clause['op'], negate: boolean): string {
  const words = OPERATORS[op] ?? [op, `not ${op}`];
  return words[negate ? 1 : 0];
}

/** "user's email ends with "@example.com" or "@example.org"", or "context is in segment beta-testers". */
export function clauseText(clause: Clause): string {
  const values = clause.values.map((v) => (clause.op === 'segmentMatch' && typeof v === 'string' ? v : formatValue(v)));
  const list =
    values.length > 1
      ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
      : (values[0] ?? '(nothing)');
  if (clause.op === 'segmentMatch') {
    const words = operatorWords('segmentMatch', clause.negate);
    return `the context ${values.length > 1 ? words.replace('segment', 'any of the segments') : words} ${list}`;
  }
  const subject =
    clause.contextKind && clause.contextKind !== 'user'
      ? `${clause.contextKind}'s ${clause.attribute}`
      : clause.attribute;
  return `${subject} ${operatorWords(clause.op, clause.negate)} ${list}`;
}

/** What is bucketed on: "key" unless bucketBy says otherwise, with the context kind when not user. */
export function bucketByText(rollout: Rollout): string {
  const attribute = rollout.bucketBy || 'key';
  return rollout.contextKind && rollout.contextKind !== 'user' ? `${rollout.contextKind}'s ${attribute}` : attribute;
}

/** "25% X, 75% Y (by key)", or "a 60/40 experiment…": every weighted variation as a percentage. */
export function rolloutText(variations: readonly Variation[], rollout: Rollout): string {
  const parts = rollout.variations
    .filter((w) => w.weight > 0)
    .map((w) => `${percent(w.weight)} ${variationLabel(variations, w.variation)}`);
  const kind = rollout.kind === 'experiment' ? 'an experiment: ' : '';
  return `${kind}${parts.join(', ') || 'nobody (all weights are 0)'}, bucketed by ${bucketByText(rollout)}`;
}

/** What a rule or the fallthrough serves. */
export function serveText(variations: readonly Variation[], serve: VariationOrRollout): string {
  if (serve.rollout) return `serve ${rolloutText(variations, serve.rollout)}`;
  return `serve ${variationLabel(variations, serve.variation)}`;
}

/** "3 h ago", "2 d ago", "just now": the age of a timestamp relative to `now`. */
export function ago(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}
