import type { JsonValue } from '../model/flag-config';
import { INVALID_REF, KEY_REF, parseAttrRef, type AttrRef } from './attribute-reference';
import { hashPrefix } from './bucketing';
import { jsString } from './js-string';
import { Sha1Prefix } from './sha1';
import { Op, opFromName, OperandSet } from './operators';
import { FALLTHROUGH, FALLTHROUGH_EXPERIMENT, prerequisiteFailed, ruleMatch } from './reasons';
import type { EvalReason, SdkClause, SdkFlag, SdkSegment, SdkSegmentRule, SdkVariationOrRollout } from './types';

/**
 * Compiles flags and segments once per version into plain, monomorphic objects: attribute
 * references parsed, operands pre-processed, target lists turned into Sets, variation indexes
 * validated, reasons and hash prefixes built. Compilation never throws; shapes the SDK would
 * choke on compile to something that evaluates to MALFORMED_FLAG or to "no match".
 */

/** Variation-index sentinels used throughout evaluation. */
export const NO_VARIATION = -1; // served value is the caller's default (e.g. off with no offVariation)
export const ERROR = -2; // MALFORMED_FLAG

const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
/** Kinds default to `user` when absent (null counts as absent: the SDK deletes nulls on ingest). */
const kindOrUser = (kind: unknown): string => (kind === undefined || kind === null ? 'user' : jsString(kind));

/** An index into `variations`, or ERROR (the SDK's getVariation; non-integers are malformed too). */
export function variationIndex(variations: readonly JsonValue[], index: unknown): number {
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < variations.length
    ? index
    : ERROR;
}

export class CompiledClause {
  readonly kind: string;
  readonly ref: AttrRef;
  readonly op: Op;
  readonly negate: boolean;
  readonly operands: OperandSet;
  /** segmentMatch only: the segment keys. */
  readonly segmentKeys: readonly string[];
  /** The op and the values as written (for traces). */
  readonly opName: string;
  readonly values: readonly unknown[];

  constructor(raw: SdkClause | null | undefined) {
    // A null clause would make the SDK throw; it compiles to an invalid reference (MALFORMED_FLAG).
    const c: Partial<SdkClause> = isObject(raw) ? raw : {};
    this.kind = kindOrUser(c.contextKind);
    this.ref = isObject(raw) && c.attribute ? parseAttrRef(c.attribute, !c.contextKind) : INVALID_REF;
    this.op = isObject(raw) ? opFromName(c.op) : Op.Unknown;
    this.negate = !!c.negate;
    this.values = asArray<unknown>(c.values);
    this.operands = new OperandSet(this.op, this.values);
    this.segmentKeys = this.op === Op.SegmentMatch ? this.values.filter((v): v is string => typeof v === 'string') : [];
    this.opName = typeof c.op === 'string' ? c.op : String(c.op);
  }
}

const compileClauses = (clauses: unknown): CompiledClause[] | null =>
  // A rule without a `clauses` property never matches in the Node SDK; `[]` always matches.
  Array.isArray(clauses) ? clauses.map((c) => new CompiledClause(c as SdkClause)) : null;

/** A variation or a rollout (VariationOrRollout). */
export class CompiledServe {
  /** Fixed variation index, ERROR, or NO_VARIATION when this is a rollout. */
  readonly fixed: number;
  readonly rollout: boolean;
  readonly experiment: boolean;
  readonly ref: AttrRef;
  readonly kind: string;
  /** The hash prefix (`key.salt.` or `seed.`), packed for the hash. */
  readonly prefix: Sha1Prefix;
  /** Per weighted variation: variation index (or ERROR), cumulative weight sum, untracked. */
  readonly results: readonly number[];
  readonly sums: readonly number[];
  readonly untracked: readonly boolean[];
  readonly seeded: boolean;

  constructor(
    raw: SdkVariationOrRollout | undefined,
    variations: readonly JsonValue[],
    hashKey: unknown,
    salt: unknown,
  ) {
    const vr: Partial<SdkVariationOrRollout> = isObject(raw) ? raw : {};
    const rollout = isObject(vr.rollout) ? vr.rollout : undefined;
    const weighted = asArray<Record<string, unknown>>(rollout?.variations);
    this.experiment = rollout?.kind === 'experiment';
    this.kind = kindOrUser(rollout?.contextKind);
    this.seeded = !!rollout?.seed;
    this.prefix = new Sha1Prefix(hashPrefix(hashKey, salt, rollout?.seed));
    if (vr.variation !== undefined && vr.variation !== null) {
      this.fixed = variationIndex(variations, vr.variation);
      this.rollout = false;
    } else if (weighted.length > 0) {
      this.fixed = NO_VARIATION;
      this.rollout = true;
    } else {
      this.fixed = ERROR; // no variation and no (non-empty) rollout
      this.rollout = false;
    }
    // Experiments always bucket by key; an empty bucketBy means key too.
    this.ref = this.experiment || !rollout?.bucketBy ? KEY_REF : parseAttrRef(rollout.bucketBy, !rollout.contextKind);
    const results: number[] = [];
    const sums: number[] = [];
    const untracked: boolean[] = [];
    let sum = 0;
    for (const w of weighted) {
      const entry = isObject(w) ? w : {};
      // Same float accumulation as the SDK (sum += weight / 100000), so boundaries agree bit for bit.
      sum += (entry.weight as number) / 100000;
      results.push(variationIndex(variations, entry.variation));
      sums.push(sum);
      untracked.push(!!entry.untracked);
    }
    this.results = results;
    this.sums = sums;
    this.untracked = untracked;
  }
}

export class CompiledTarget {
  constructor(
    readonly kind: string,
    readonly values: ReadonlySet<unknown>,
    readonly result: number,
    readonly variation: unknown,
  ) {}
}

export class CompiledRule {
  constructor(
    readonly index: number,
    readonly id: string | null,
    readonly clauses: readonly CompiledClause[] | null,
    readonly serve: CompiledServe,
    readonly reason: EvalReason,
    readonly reasonInExperiment: EvalReason,
  ) {}
}

export class CompiledPrerequisite {
  constructor(
    readonly key: string,
    readonly variation: unknown,
    readonly failed: EvalReason,
  ) {}
}

export class CompiledFlag {
  readonly on: boolean;
  readonly variations: readonly JsonValue[];
  /** Index, NO_VARIATION (no offVariation: the default is served) or ERROR. */
  readonly off: number;
  readonly prerequisites: readonly CompiledPrerequisite[];
  readonly targets: readonly CompiledTarget[];
  readonly rules: readonly CompiledRule[];
  readonly fallthrough: CompiledServe;
  readonly fallthroughReason = FALLTHROUGH;
  readonly fallthroughReasonInExperiment = FALLTHROUGH_EXPERIMENT;

  constructor(
    /** The key the store holds it under. */
    readonly key: string,
    readonly raw: SdkFlag,
  ) {
    const variations = asArray<JsonValue>(raw.variations);
    this.variations = variations;
    this.on = !!raw.on;
    this.off = typeof raw.offVariation === 'number' ? variationIndex(variations, raw.offVariation) : NO_VARIATION;
    this.prerequisites = asArray<unknown>(raw.prerequisites)
      .filter(isObject)
      .map((p) => new CompiledPrerequisite(String(p.key), p.variation, prerequisiteFailed(String(p.key))));
    this.targets = compileTargets(raw, variations);
    this.rules = asArray<unknown>(raw.rules).map((r, i) => {
      const rule = isObject(r) ? r : {};
      const id = rule.id === undefined || rule.id === null ? null : (rule.id as string);
      return new CompiledRule(
        i,
        id,
        compileClauses(rule.clauses),
        new CompiledServe(rule, variations, raw.key, raw.salt),
        ruleMatch(i, rule.id, false),
        ruleMatch(i, rule.id, true),
      );
    });
    this.fallthrough = new CompiledServe(raw.fallthrough, variations, raw.key, raw.salt);
  }
}

/** protocols.md §2.3 step 3: contextTargets, whose `user` entries defer to `targets` by variation. */
function compileTargets(raw: SdkFlag, variations: readonly JsonValue[]): CompiledTarget[] {
  const targets = asArray<unknown>(raw.targets).filter(isObject);
  const contextTargets = asArray<unknown>(raw.contextTargets).filter(isObject);
  const make = (t: Record<string, unknown>) =>
    new CompiledTarget(
      kindOrUser(t.contextKind),
      new Set(asArray<unknown>(t.values)),
      variationIndex(variations, t.variation),
      t.variation,
    );
  if (contextTargets.length === 0) return targets.map(make);
  const out: CompiledTarget[] = [];
  for (const ct of contextTargets) {
    if (!ct.contextKind || ct.contextKind === 'user') {
      const userTarget = targets.find((t) => t.variation === ct.variation);
      if (userTarget) out.push(make(userTarget));
    } else {
      out.push(make(ct));
    }
  }
  return out;
}

export class CompiledSegmentTarget {
  constructor(
    readonly kind: string,
    readonly values: ReadonlySet<unknown>,
  ) {}
}

export class CompiledSegmentRule {
  readonly clauses: readonly CompiledClause[] | null;
  /** Raw weight (undefined: every matching context is a member). */
  readonly weight: number | undefined;
  readonly ref: AttrRef;
  readonly kind: string;

  constructor(
    readonly index: number,
    raw: SdkSegmentRule,
  ) {
    this.clauses = compileClauses(raw.clauses);
    this.weight = raw.weight === undefined || raw.weight === null ? undefined : raw.weight;
    this.ref = raw.bucketBy ? parseAttrRef(raw.bucketBy, !raw.rolloutContextKind) : KEY_REF;
    this.kind = kindOrUser(raw.rolloutContextKind);
  }
}

export class CompiledSegment {
  readonly included: ReadonlySet<unknown>;
  readonly excluded: ReadonlySet<unknown>;
  readonly includedContexts: readonly CompiledSegmentTarget[];
  readonly excludedContexts: readonly CompiledSegmentTarget[];
  readonly rules: readonly CompiledSegmentRule[];
  /** `segment.key` as the SDK uses it for hashing and for recursion detection. */
  readonly segmentKey: string;
  readonly prefix: Sha1Prefix;
  readonly unbounded: boolean;
  readonly unboundedKind: string;
  readonly hasGeneration: boolean;

  constructor(
    readonly key: string,
    readonly raw: SdkSegment,
  ) {
    const targets = (v: unknown) =>
      asArray<unknown>(v)
        .filter(isObject)
        .map((t) => new CompiledSegmentTarget(kindOrUser(t.contextKind), new Set(asArray<unknown>(t.values))));
    this.included = new Set(asArray<unknown>(raw.included));
    this.excluded = new Set(asArray<unknown>(raw.excluded));
    this.includedContexts = targets(raw.includedContexts);
    this.excludedContexts = targets(raw.excludedContexts);
    this.rules = asArray<unknown>(raw.rules).map(
      (r, i) => new CompiledSegmentRule(i, (isObject(r) ? r : {}) as SdkSegmentRule),
    );
    this.segmentKey = typeof raw.key === 'string' ? raw.key : key;
    this.prefix = new Sha1Prefix(hashPrefix(raw.key, raw.salt, undefined));
    this.unbounded = !!raw.unbounded;
    this.unboundedKind = raw.unboundedContextKind ? String(raw.unboundedContextKind) : 'user';
    this.hasGeneration = !!raw.generation;
  }
}
