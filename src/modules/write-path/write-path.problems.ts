import type { ErrorCode } from '../../core/error-catalogue';

/**
 * The approval gate of a direct write (approval-gate.ts): 403 when the change needs an approved
 * change request, 428 when the actor may bypass it but gave no break-glass reason.
 */
export const APPROVAL_GATE = [
  'approval/required',
  'approval/bypass_reason_required',
] as const satisfies readonly ErrorCode[];
