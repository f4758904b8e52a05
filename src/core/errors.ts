/**
 * Typed errors with stable codes. Core and services throw these; one filter at the edge renders
 * them as application/problem+json (REST) or as a GraphQL error extension. Codes are part of the
 * public contract: never rename one.
 */
export interface FieldError {
  /** Index of the offending item (an instruction, a statement) when the input is a list. */
  index?: number;
  /** Path or name of the offending field. */
  field?: string;
  reason: string;
}

export class DomainError extends Error {
  /** Set by refusals that pass with time (rate limits): rendered as the Retry-After header. */
  retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const notFound = (kind: string, key: string) =>
  new DomainError(`${kind}/not_found`, 404, `${kind} '${key}' was not found`);
