import type { ErrorCode } from '../../core/error-catalogue';

/** What segment instructions are refused with, in a dry run as in a write (SegmentWriteService.dryRun). */
export const SEGMENT_INSTRUCTIONS = [
  'segment/not_found',
  'patch/invalid_instruction',
  'patch/unknown_instruction',
  'patch/unknown_segment',
] as const satisfies readonly ErrorCode[];
