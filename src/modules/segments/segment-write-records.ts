/** What SegmentWriteService takes and returns (a write, its locked and computed states, its result), and its helpers. */
import { randomUUID } from 'node:crypto';
import type { SegmentConfig } from '../../core/model/flag-config';
import type { segmentInstructionActions } from '../../core/patch';
import type { BypassNotice } from '../write-path/bypass-ledger';
import type { BreakGlass } from '../write-path/break-glass';
import type { PreApproval } from '../write-path/pre-approval';
import type { GuardrailWarning } from '../guardrails/guardrail-checks';
import type { SegmentRecord } from './segment-records';

export type Step = ReturnType<typeof segmentInstructionActions>[number];

export interface SegmentWrite {
  instructions: unknown[];
  comment?: string;
  expectedVersion?: number;
  preApproved?: PreApproval;
  /** Break-glass: the reason a direct write goes past a gate it needs (see break-glass.ts). */
  bypass?: BreakGlass;
}

export interface SegmentWriteResult {
  segment: SegmentConfig;
  version: number;
  /** Break-glass bypasses of this write, each with its retroactive review. */
  bypassed: BypassNotice[];
  /** Guardrail `warn` findings of the change (also in the audit entry). */
  warnings: GuardrailWarning[];
}

/** A segment as a write answers it: with the guardrail warnings it broke, when there are any. */
export type WrittenSegment = SegmentConfig & { warnings?: GuardrailWarning[] };

export const withWarnings = (segment: SegmentConfig, warnings: GuardrailWarning[]): WrittenSegment =>
  warnings.length ? { ...segment, warnings } : segment;

/** A segment locked in the caller's transaction, read once under the lock. */
export interface LockedSegmentState {
  row: SegmentRecord;
  before: SegmentConfig;
  /** Keys of the environment's live segments when it was locked, for segmentMatch clauses. */
  liveKeys: ReadonlySet<string>;
}

/** Instructions computed over a locked segment: what `applyComputed` writes without reading or computing again. */
export interface ComputedSegmentWrite {
  locked: LockedSegmentState;
  steps: Step[];
  instructions: unknown[];
  /** The result, before its version is bumped. */
  segment: SegmentConfig;
  changed: boolean;
}

/** What core/patch needs besides the segment: ids, and which keys its segmentMatch clauses may name. */
export function patchContext(liveKeys: ReadonlySet<string>) {
  return { newId: randomUUID, segmentExists: (key: string) => liveKeys.has(key) };
}
