import type { ErrorCode } from '../../core/error-catalogue';

/** What flag instructions are refused with, in a dry run as in a write (FlagWriteService.dryRun). */
export const FLAG_INSTRUCTIONS = [
  'flag/not_found',
  'patch/invalid_instruction',
  'patch/unknown_instruction',
  'patch/unknown_segment',
  'flag/archived',
] as const satisfies readonly ErrorCode[];

/** A direct write adds If-Match, archiving a flag others depend on, and the approval gate (FlagWriteService.patch). */
export const FLAG_WRITE = [
  ...FLAG_INSTRUCTIONS,
  'request/invalid_if_match',
  'flag/version_mismatch',
  'flag/has_dependents',
  'approval/required',
  'guardrail/violation',
] as const satisfies readonly ErrorCode[];
