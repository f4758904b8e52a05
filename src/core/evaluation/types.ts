import type { JsonValue } from '../model/flag-config';

/**
 * Flag and segment JSON exactly as LaunchDarkly server-side SDKs receive it (protocols.md §1).
 * Everything except `key` and `version` is optional because the evaluator must cope with whatever
 * a stream delivers: malformed shapes surface as MALFORMED_FLAG at evaluation time, never as throws.
 */
export interface SdkClause {
  contextKind?: string;
  attribute?: string;
  op: string;
  values?: JsonValue[];
  negate?: boolean;
  [extra: string]: unknown;
}

export interface SdkWeightedVariation {
  variation: number;
  weight: number;
  untracked?: boolean;
  [extra: string]: unknown;
}

export interface SdkRollout {
  /** 'rollout' or 'experiment'; other values pass through as they come. */
  kind?: string;
  variations?: SdkWeightedVariation[];
  bucketBy?: string;
  contextKind?: string;
  seed?: number;
  [extra: string]: unknown;
}

export interface SdkVariationOrRollout {
  variation?: number;
  rollout?: SdkRollout;
  [extra: string]: unknown;
}

export interface SdkRule extends SdkVariationOrRollout {
  id?: string;
  clauses?: SdkClause[];
  trackEvents?: boolean;
}

export interface SdkTarget {
  contextKind?: string;
  values: string[];
  variation: number;
  [extra: string]: unknown;
}

export interface SdkPrerequisite {
  key: string;
  variation: number;
  [extra: string]: unknown;
}

export interface SdkFlag {
  key: string;
  version: number;
  deleted?: boolean;
  on?: boolean;
  variations?: JsonValue[];
  offVariation?: number | null;
  fallthrough?: SdkVariationOrRollout;
  targets?: SdkTarget[];
  contextTargets?: SdkTarget[];
  rules?: SdkRule[];
  prerequisites?: SdkPrerequisite[];
  salt?: string;
  trackEvents?: boolean;
  trackEventsFallthrough?: boolean;
  clientSide?: boolean;
  clientSideAvailability?: { usingEnvironmentId: boolean; usingMobileKey: boolean };
  [extra: string]: unknown;
}

export interface SdkSegmentRule {
  id?: string;
  clauses?: SdkClause[];
  weight?: number;
  bucketBy?: string;
  rolloutContextKind?: string;
  [extra: string]: unknown;
}

export interface SdkSegmentTarget {
  contextKind: string;
  values: string[];
  [extra: string]: unknown;
}

export interface SdkSegment {
  key: string;
  version: number;
  deleted?: boolean;
  included?: string[];
  excluded?: string[];
  includedContexts?: SdkSegmentTarget[];
  excludedContexts?: SdkSegmentTarget[];
  rules?: SdkSegmentRule[];
  salt?: string;
  /** Big segment; membership would come from an external store, which Gantry does not have. */
  unbounded?: boolean;
  unboundedContextKind?: string;
  generation?: number;
  [extra: string]: unknown;
}

export type EvalErrorKind =
  'MALFORMED_FLAG' | 'FLAG_NOT_FOUND' | 'USER_NOT_SPECIFIED' | 'WRONG_TYPE' | 'CLIENT_NOT_READY' | 'EXCEPTION';

/**
 * `bigSegmentsStatus` is additive to the contract: the Node SDK without a big-segment store
 * reports NOT_CONFIGURED whenever an evaluation touches an unbounded segment, and so do we.
 */
type BigSegmentsStatus = { bigSegmentsStatus?: 'NOT_CONFIGURED' };

export type EvalReason = (
  | { kind: 'OFF' }
  | { kind: 'FALLTHROUGH'; inExperiment?: true }
  | { kind: 'TARGET_MATCH' }
  | { kind: 'RULE_MATCH'; ruleIndex: number; ruleId?: string; inExperiment?: true }
  | { kind: 'PREREQUISITE_FAILED'; prerequisiteKey: string }
  | { kind: 'ERROR'; errorKind: EvalErrorKind }
) &
  BigSegmentsStatus;

export interface EvalDetail {
  value: JsonValue | null;
  variationIndex: number | null;
  reason: EvalReason;
}

export interface EvalOptions {
  /** Record the path taken (for the management "explain" endpoint); off on hot paths. */
  trace?: boolean;
}

export interface TraceStep {
  step: 'off' | 'prerequisite' | 'target' | 'rule' | 'clause' | 'segment' | 'fallthrough' | 'rollout';
  detail: Record<string, JsonValue>;
}

export interface EvalResult extends EvalDetail {
  trace?: TraceStep[];
}

export type ValueType = 'bool' | 'int' | 'double' | 'string' | 'any';
