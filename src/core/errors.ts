import { ERROR_CATALOGUE, type ErrorCode, type NotFoundKind } from './error-catalogue';

/**
 * Typed errors with stable codes. Core and services throw these; one filter at the edge renders
 * them as application/problem+json (REST) or as a GraphQL error extension. A code is a member of the
 * closed catalogue (error-catalogue.ts), which also fixes its status: a call site names the code
 * and says what happened, never which status to answer.
 */
export interface FieldError {
  /** Index of the offending item (an instruction, a statement) when the input is a list. */
  index?: number;
  /** Path or name of the offending field. */
  field?: string;
  reason: string;
  /** `guardrail/violation` only: the policy key and rule kind violated, and the environment (environment rules). */
  policy?: string;
  rule?: string;
  environment?: string;
}

export class DomainError extends Error {
  /** The HTTP status of `code`, from the catalogue. */
  readonly status: number;
  /** Set by refusals that pass with time (rate limits): rendered as the Retry-After header. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
    this.status = ERROR_CATALOGUE[code].status;
  }
}

/** Whether `err` is a DomainError with one of `codes`: branch on catalogue members, not on bare strings. */
export function isError<C extends ErrorCode>(err: unknown, ...codes: [C, ...C[]]): err is DomainError & { code: C } {
  return err instanceof DomainError && (codes as readonly ErrorCode[]).includes(err.code);
}

export const notFound = (kind: NotFoundKind, key: string) =>
  new DomainError(`${kind}/not_found`, `${kind} '${key}' was not found`);
