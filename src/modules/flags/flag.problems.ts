import type { ErrorCode } from '../../core/error-catalogue';
import { APPROVAL_GATE } from '../write-path/write-path.problems';

/** What flag instructions are refused with, in a dry run as in a write (FlagWriteService.dryRun). */
export const FLAG_INSTRUCTIONS = [
  'flag/not_found',
  'patch/invalid_instruction',
  'patch/unknown_instruction',
  'patch/unknown_segment',
  'flag/archived',
] as const satisfies readonly ErrorCode[];

/**
 * A direct write adds If-Match, archiving a flag others depend on, the approval gate (with its
 * break-glass reason) and change freezes (FlagWriteService.patch).
 */
export const FLAG_WRITE = [
  ...FLAG_INSTRUCTIONS,
  'request/invalid_if_match',
  'flag/version_mismatch',
  'flag/has_dependents',
  ...APPROVAL_GATE,
  'guardrail/violation',
  'freeze/active',
] as const satisfies readonly ErrorCode[];
