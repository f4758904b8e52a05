import { FlagDefinition, FlagEnvironmentConfig, Variation } from '../model/flag-config';
import type { ActionName } from '../policy/actions';
import { Fields } from './instruction-fields';

export interface FlagPatchState {
  flag: FlagDefinition;
  /** Every environment's config of this flag, keyed by environment key. */
  environments: Record<string, FlagEnvironmentConfig>;
}

/** What a prerequisite check may know about another flag of the same project. */
export interface PrerequisiteFlagView {
  variations: Variation[];
  prerequisiteKeys(envKey: string): string[];
}

export interface FlagPatchContext {
  newId(): string;
  /** Environment the env-level instructions apply to; undefined means flag-level instructions only. */
  environmentKey?: string;
  /** For prerequisites: another flag of the same project, or undefined if it does not exist/archived. */
  lookupFlag(key: string): PrerequisiteFlagView | undefined;
  /**
   * For segmentMatch clauses: whether the environment has a live (not deleted) segment with this
   * key. Asked for the environment being patched, and for every environment by restoreFlag.
   */
  segmentExists(envKey: string, key: string): boolean;
}

export interface FlagPatchResult {
  flag: FlagDefinition;
  environments: Record<string, FlagEnvironmentConfig>;
  /** The project-level part changed. */
  flagChanged: boolean;
  /** Env keys whose config content changed (deep compare), e.g. every env after removeVariation. */
  changedEnvironments: string[];
}

export type InstructionScope = 'flag' | 'environment';

/** The working copies one applyFlagInstructions call edits in place. */
export interface FlagWorkspace {
  flag: FlagDefinition;
  environments: Record<string, FlagEnvironmentConfig>;
  ctx: FlagPatchContext;
}

export interface EnvironmentWorkspace extends FlagWorkspace {
  envKey: string;
  env: FlagEnvironmentConfig;
}

export interface FlagLevelHandler {
  action: ActionName;
  fields: readonly string[];
  apply(f: Fields, ws: FlagWorkspace): void;
}

export interface EnvironmentHandler {
  action: ActionName;
  fields: readonly string[];
  apply(f: Fields, ws: EnvironmentWorkspace): void;
}
