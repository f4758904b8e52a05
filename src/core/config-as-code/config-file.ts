/**
 * The config-as-code file (`gantry.yaml`): a project's flags and segments as people review them in
 * git. It mirrors the stored model (core/model/flag-config.ts) with two differences that keep diffs
 * small and files portable between instances:
 *
 * - a variation is referred to by its **value** (`serve: true`, `variation: blue`): values are
 *   unique within a flag (the write path refuses duplicates), read the same in every instance, and
 *   survive reordering, whereas indexes shift and ids differ between instances;
 * - rules carry an `id` that is their stable name: exported files hold the live ids, hand-written
 *   rules may use any key-like name (`beta-users`); `addRule` keeps it, so plans stay minimal.
 *
 * Lists with no order of their own (flags, segments, environments, tags) are sorted by key on export;
 * lists whose order decides evaluation (rules, clauses, targets, prerequisites) keep it.
 */
import type { ClauseOp, JsonValue } from '../model/flag-config';

/** A variation, named by its value. */
export type VariationRef = JsonValue;

export const CONFIG_FILE_VERSION = 1;

export interface ConfigFile {
  version: typeof CONFIG_FILE_VERSION;
  project: string;
  flags: FlagSpec[];
  /** Segments by environment key. */
  segments?: Record<string, SegmentSpec[]>;
}

export interface VariationSpec {
  value: JsonValue;
  name?: string;
  description?: string;
}

export interface FlagSpec {
  key: string;
  name: string;
  description?: string;
  tags?: string[];
  temporary?: boolean;
  /** A member id (members differ between instances; see the README's limits). */
  maintainerId?: string;
  plannedRemovalDate?: string;
  /** Services whose deploys concern the flag (deploy signals); managed as a set: absent or [] means none. */
  services?: string[];
  /** Set when the flag is created; no instruction changes it afterwards. */
  clientSideAvailability?: { usingEnvironmentId: boolean; usingMobileKey: boolean };
  variations: VariationSpec[];
  /** Targeting by environment key; an environment left out is not managed by the file. */
  environments?: Record<string, FlagEnvironmentSpec>;
}

export interface RolloutSpec {
  variations: { variation: VariationRef; weight: number }[];
  bucketBy?: string;
  contextKind?: string;
}

/** Exactly one of the two. */
export interface ServeSpec {
  variation?: VariationRef;
  rollout?: RolloutSpec;
}

export interface ClauseSpec {
  contextKind?: string;
  attribute?: string;
  op: ClauseOp;
  values: JsonValue[];
  negate?: boolean;
}

export interface RuleSpec extends ServeSpec {
  id: string;
  description?: string;
  clauses: ClauseSpec[];
  trackEvents?: boolean;
}

export interface TargetSpec {
  variation: VariationRef;
  /** Default `user`. */
  contextKind?: string;
  values: string[];
}

export interface PrerequisiteSpec {
  flag: string;
  /** A value of the prerequisite flag's variations. */
  variation: VariationRef;
}

export interface FlagEnvironmentSpec {
  on: boolean;
  /** null: no off variation (SDKs serve the caller's default when off). */
  offVariation: VariationRef | null;
  fallthrough: ServeSpec;
  /** In the order SDKs check them. */
  targets?: TargetSpec[];
  rules?: RuleSpec[];
  prerequisites?: PrerequisiteSpec[];
  trackEvents?: boolean;
  trackEventsFallthrough?: boolean;
}

export interface SegmentTargetSpec {
  contextKind: string;
  values: string[];
}

export interface SegmentRuleSpec {
  id: string;
  description?: string;
  clauses: ClauseSpec[];
  /** Thousandths of a percent of matching contexts included; absent: all. */
  weight?: number;
  bucketBy?: string;
  rolloutContextKind?: string;
}

export interface SegmentSpec {
  key: string;
  name: string;
  description?: string;
  tags?: string[];
  /** User keys. */
  included?: string[];
  excluded?: string[];
  includedContexts?: SegmentTargetSpec[];
  excludedContexts?: SegmentTargetSpec[];
  rules?: SegmentRuleSpec[];
}
