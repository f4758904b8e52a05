/** What FlagWriteService takes and returns: a write's input, its locked and computed states, its result. */
import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import type { FlagState } from '../../core/approval';
import type { flagInstructionActions, FlagPatchResult, InstructionScope } from '../../core/patch';
import type { BypassNotice } from '../write-path/bypass-ledger';
import type { BreakGlass } from '../write-path/break-glass';
import type { PreApproval } from '../write-path/pre-approval';
import type { GuardrailWarning } from '../guardrails/guardrail-checks';
import type { EnvironmentContext } from '../projects/project-context';
import type { FlagRecord } from './flag-records';
import type { FlagView } from './models/flag.view';

export type Step = ReturnType<typeof flagInstructionActions>[number];

export interface FlagWrite {
  instructions: unknown[];
  comment?: string;
  expectedVersion?: number;
  /** Set only through applyPreApproved: a capability minted by change-request apply or the automation runner. */
  preApproved?: PreApproval;
  /** Break-glass: the reason a direct write goes past a gate it needs (see break-glass.ts). */
  bypass?: BreakGlass;
}

export interface WriteResult {
  view: FlagView;
  /** Break-glass bypasses of this write, each with its retroactive review. */
  bypassed: BypassNotice[];
  outcome: 'committed' | 'unchanged';
  /** The written environment's configuration version (the flag version for flag-level writes). */
  version: number;
  /** Guardrail `warn` findings of the change (also on `view.warnings` and in the audit entry). */
  warnings: GuardrailWarning[];
}

/** A flag locked in the caller's transaction, read once under the lock. */
export interface LockedFlagState {
  row: FlagRecord;
  def: FlagDefinition;
  configs: Record<string, FlagEnvironmentConfig>;
  /**
   * The project's settings revision, read under the lock (cached lists are checked against it);
   * undefined when this transaction changed the project itself (nothing cached is used then).
   */
  settingsRevision: bigint | undefined;
}

/** Instructions computed over a locked flag: what `applyComputed` writes without reading or computing again. */
export interface ComputedFlagWrite {
  locked: LockedFlagState;
  /** The environment written (undefined: a flag-level write through PATCH without environmentKey). */
  env: EnvironmentContext | undefined;
  steps: Step[];
  instructions: unknown[];
  result: FlagPatchResult;
}

export interface FlagDryRun {
  flagId: string;
  version: number;
  before: FlagState;
  after: FlagState;
  steps: Step[];
  /** Whether the project-level part changes (every environment then changes with it). */
  flagChanged: boolean;
}

/**
 * What a write will do, for FlagWriteService.lock: the environment it is in (undefined: flag-level)
 * and the scope of each of its instructions. Without it, lock takes the way that is right for any write.
 */
export interface WriteReach {
  env: EnvironmentContext | undefined;
  scopes: readonly InstructionScope[];
}
