/**
 * Gantry's flag evaluation core: LaunchDarkly server-side evaluation semantics, exactly as the
 * Node SDK (js-server-sdk-common) implements them (protocols.md §2), over flags and segments
 * compiled once per version. Pure and synchronous, with no platform import (sha1 is in ./sha1.ts).
 *
 * Results are fresh objects, but their `reason` objects are shared and frozen: do not mutate them.
 */
import type { JsonValue } from '../model/flag-config';
import { KEY_REF, parseAttrRef } from './attribute-reference';
import { bucketContext, hashPrefix, NOT_BUCKETABLE } from './bucketing';
import type { CompiledFlag } from './compile';
import type { Context, EvalContext } from './context';
import { evalFlag, resetState, state, valueFor } from './evaluator';
import type { FlagStore } from './flag-store';
import { FLAG_NOT_FOUND, withBigSegmentsStatus, WRONG_TYPE } from './reasons';
import { Sha1Prefix } from './sha1';
import { Tracer } from './trace';
import type { EvalDetail, EvalOptions, EvalReason, EvalResult, ValueType } from './types';

export { parseContext } from './context';
export type { Context, ParseContextResult } from './context';
export { FlagStore } from './flag-store';
export type {
  EvalDetail,
  EvalErrorKind,
  EvalOptions,
  EvalReason,
  EvalResult,
  SdkClause,
  SdkFlag,
  SdkPrerequisite,
  SdkRollout,
  SdkRule,
  SdkSegment,
  SdkSegmentRule,
  SdkSegmentTarget,
  SdkTarget,
  SdkVariationOrRollout,
  SdkWeightedVariation,
  TraceStep,
  ValueType,
} from './types';

function evaluateCompiled(
  store: FlagStore,
  f: CompiledFlag,
  context: Context,
  def: JsonValue | null,
  tracer: Tracer | null,
): EvalResult {
  resetState(tracer);
  const index = evalFlag(store, f, context as EvalContext);
  const reason = state.bigSegments ? withBigSegmentsStatus(state.reason) : state.reason;
  state.tracer = null;
  return { value: valueFor(f, index, def), variationIndex: index >= 0 ? index : null, reason };
}

/**
 * Evaluates one flag; unknown/deleted flag -> value = defaultValue, FLAG_NOT_FOUND. Whenever
 * variationIndex is null, value is defaultValue (default null).
 */
export function evaluateFlag(
  store: FlagStore,
  flagKey: string,
  context: Context,
  defaultValue: JsonValue | null = null,
  options?: EvalOptions,
): EvalResult {
  const def = defaultValue === undefined ? null : defaultValue;
  const f = store.flag(flagKey);
  const tracer = options !== undefined && options.trace === true ? new Tracer() : null;
  if (f === undefined) {
    const notFound: EvalResult = { value: def, variationIndex: null, reason: FLAG_NOT_FOUND };
    if (tracer !== null) notFound.trace = tracer.steps;
    return notFound;
  }
  const result = evaluateCompiled(store, f, context, def, tracer);
  if (tracer !== null) result.trace = tracer.steps;
  return result;
}

/** The reason of the last evaluateIndex call. */
let lastIndexReason: EvalReason = FLAG_NOT_FOUND;

/**
 * evaluateFlag without the result object: the variation index served (>= 0) or -1 when none (an
 * unknown flag, an error, no off variation); `lastReason()` then gives the reason, exactly as
 * evaluateFlag's. For a caller that turns the outcome into its own form at once (OFREP's table of
 * answers evaluates ~50 flags per request and keeps no result).
 */
export function evaluateIndex(store: FlagStore, flagKey: string, context: Context): number {
  const f = store.flag(flagKey);
  if (f === undefined) {
    lastIndexReason = FLAG_NOT_FOUND;
    return -1;
  }
  resetState(null);
  const index = evalFlag(store, f, context as EvalContext);
  lastIndexReason = state.bigSegments ? withBigSegmentsStatus(state.reason) : state.reason;
  return index >= 0 ? index : -1;
}

/** The reason of the last evaluateIndex call (a shared, frozen object, like every reason). */
export const lastReason = (): EvalReason => lastIndexReason;

const TYPE_CHECKS: Record<ValueType, (v: unknown) => boolean> = {
  bool: (v) => typeof v === 'boolean',
  // Node's numberVariation does not tell ints from doubles.
  int: (v) => typeof v === 'number',
  double: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  any: () => true,
};

/**
 * Typed evaluation (the Node SDK's boolVariation/numberVariation/stringVariation): default +
 * WRONG_TYPE when the served value (the default itself when no variation is served) has another
 * JSON type. A missing flag stays FLAG_NOT_FOUND.
 */
export function evaluateTyped(
  store: FlagStore,
  flagKey: string,
  context: Context,
  defaultValue: JsonValue | null,
  type: ValueType,
): EvalDetail {
  const detail = evaluateFlag(store, flagKey, context, defaultValue);
  if (detail.reason === FLAG_NOT_FOUND) return detail;
  if (!TYPE_CHECKS[type](detail.value)) return { value: defaultValue, variationIndex: null, reason: WRONG_TYPE };
  return detail;
}

/** Every non-deleted flag for one context (like the SDK's allFlagsState values), keyed by flag key. */
export function evaluateAll(store: FlagStore, context: Context): Record<string, EvalDetail> {
  const flags = store.liveFlags();
  // Evaluate everything first, then fill the object in one pass: storing a key into an object with
  // 1,000 properties searches its descriptors, and that search is several times cheaper when the
  // descriptors are not evicted from the CPU caches by an evaluation between two stores.
  const details = new Array<EvalDetail>(flags.length);
  for (let i = 0; i < flags.length; i++) details[i] = evaluateCompiled(store, flags[i], context, null, null);
  // Every key is already there (see FlagStore.resultTemplate): the loop only overwrites values.
  const out = { ...store.resultTemplate() } as unknown as Record<string, EvalDetail>;
  for (let i = 0; i < flags.length; i++) {
    const key = flags[i].key;
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: details[i], enumerable: true, writable: true, configurable: true });
    else out[key] = details[i];
  }
  return out;
}

/**
 * LaunchDarkly bucketing (protocols.md §2.6): [0,1). `attribute` is a literal name when
 * contextKind is undefined, else an attribute reference; undefined means `key`.
 */
export function bucketValue(
  context: Context,
  hashKey: string,
  salt: string,
  attribute: string | undefined,
  contextKind: string | undefined,
  seed?: number,
): number {
  const ref = attribute === undefined ? KEY_REF : parseAttrRef(attribute, contextKind === undefined);
  const prefix = new Sha1Prefix(hashPrefix(hashKey, salt, seed));
  const bucket = bucketContext(context as EvalContext, prefix, ref, contextKind ?? 'user');
  return bucket === NOT_BUCKETABLE ? 0 : bucket;
}
