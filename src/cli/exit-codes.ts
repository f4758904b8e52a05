/**
 * The CLI's exit codes, a contract for scripts and CI steps (conventions §18). A problem document's
 * `code` decides between "error" and "refused": the CLI never guesses from HTTP statuses.
 */
import type { components } from '../../openapi/schema';

export type ProblemCode = components['schemas']['ProblemCode'];

export const EXIT = {
  /** Done (a waited-for release completed, the audit chain is intact, no drift). */
  ok: 0,
  /** Any error: bad usage, unreachable server, a problem document, a release rolled back or failed. */
  error: 1,
  /** Drift or changes pending (config-as-code `plan`): nothing wrong, but something to apply. */
  pending: 2,
  /** Refused by governance: the change needs an approved change request, or a freeze is active. */
  refused: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Codes meaning "the change is fine, governance refuses it now": a script should not retry blindly
 * but open a change request, find a reviewer or wait for the freeze to end. Reviewer mistakes
 * (`approval/self_review`, `approval/reviewer_not_allowed`) are ordinary errors.
 */
const REFUSAL_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'approval/required',
  'approval/bypass_reason_required',
  'approval/insufficient_approvals',
  'approval/declined',
  'freeze/active',
]);

export function exitCodeForProblem(code: string | undefined): ExitCode {
  return code !== undefined && REFUSAL_CODES.has(code as ProblemCode) ? EXIT.refused : EXIT.error;
}
