/**
 * The LaunchDarkly shapes Gantry stores and serves. A flag's project-level part (`FlagDefinition`)
 * plus one `FlagEnvironmentConfig` per environment is exactly what the delivery layer turns into
 * the SDK's flag JSON, so these types are the contract between the write path and delivery.
 */

/** A JSON value as stored in a variation or a clause value list. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Variation {
  /** Stable id; instructions refer to variations by it, never by index. */
  _id: string;
  value: JsonValue;
  name?: string;
  description?: string;
}

export type ClauseOp =
  | 'in'
  | 'endsWith'
  | 'startsWith'
  | 'matches'
  | 'contains'
  | 'lessThan'
  | 'lessThanOrEqual'
  | 'greaterThan'
  | 'greaterThanOrEqual'
  | 'before'
  | 'after'
  | 'semVerEqual'
  | 'semVerLessThan'
  | 'semVerGreaterThan'
  | 'segmentMatch';

export const CLAUSE_OPS: readonly ClauseOp[] = [
  'in',
  'endsWith',
  'startsWith',
  'matches',
  'contains',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'before',
  'after',
  'semVerEqual',
  'semVerLessThan',
  'semVerGreaterThan',
  'segmentMatch',
];

export interface Clause {
  /** Stable id so that `updateClause`/`removeClauses` can address it. */
  _id: string;
  contextKind?: string;
  attribute: string;
  op: ClauseOp;
  values: JsonValue[];
  negate: boolean;
}

export interface WeightedVariation {
  /** Index into the flag's variations. */
  variation: number;
  /** Thousandths of a percent, 0..100000. */
  weight: number;
  untracked?: boolean;
}

export interface Rollout {
  variations: WeightedVariation[];
  bucketBy?: string;
  contextKind?: string;
  kind?: 'rollout' | 'experiment';
  seed?: number;
}

/** Exactly one of `variation` or `rollout` is set. */
export interface VariationOrRollout {
  variation?: number;
  rollout?: Rollout;
}

export interface Rule extends VariationOrRollout {
  _id: string;
  clauses: Clause[];
  description?: string;
  trackEvents: boolean;
}

export interface Target {
  variation: number;
  values: string[];
  contextKind?: string;
}

export interface Prerequisite {
  key: string;
  variation: number;
}

/** Per-environment targeting of one flag; `version` increments on every write. */
export interface FlagEnvironmentConfig {
  on: boolean;
  offVariation: number | null;
  fallthrough: VariationOrRollout;
  /** Targets for the `user` kind (LaunchDarkly keeps these separate from contextTargets). */
  targets: Target[];
  /** Targets for other kinds; a `user` entry here with empty values defers ordering to `targets`. */
  contextTargets: Target[];
  rules: Rule[];
  prerequisites: Prerequisite[];
  salt: string;
  trackEvents: boolean;
  trackEventsFallthrough: boolean;
  version: number;
}

/** Project-level part of a flag. */
export interface FlagDefinition {
  key: string;
  name: string;
  description: string;
  kind: 'boolean' | 'multivariate';
  variations: Variation[];
  tags: string[];
  temporary: boolean;
  archived: boolean;
  clientSideAvailability: { usingEnvironmentId: boolean; usingMobileKey: boolean };
  defaults: { onVariation: number; offVariation: number };
  /** The member responsible for the flag (a member id); set with `updateMaintainer`. */
  maintainerId?: string | null;
  /** When a temporary flag is planned to be removed (ISO-8601 date or date-time); absent: not planned. */
  plannedRemovalDate?: string | null;
  /**
   * Services whose deploys concern this flag (deploy signals, release plans); set with
   * `setServices`. Absent on flags created before it existed: read it as empty.
   */
  services?: string[];
}

export interface SegmentRule {
  _id: string;
  clauses: Clause[];
  /** Percentage of matching contexts included, thousandths of a percent; absent = all. */
  weight?: number;
  bucketBy?: string;
  rolloutContextKind?: string;
  description?: string;
}

export interface SegmentTarget {
  contextKind: string;
  values: string[];
}

export interface SegmentConfig {
  key: string;
  name: string;
  description: string;
  tags: string[];
  included: string[];
  excluded: string[];
  includedContexts: SegmentTarget[];
  excludedContexts: SegmentTarget[];
  rules: SegmentRule[];
  salt: string;
  version: number;
  deleted: boolean;
}
