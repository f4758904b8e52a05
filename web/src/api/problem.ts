import type { components } from '../../../openapi/schema';

/** The API's problem+json document (RFC 9457 with Gantry's stable `code`). */
export type Problem = components['schemas']['ProblemDto'];
export type FieldError = components['schemas']['FieldErrorDto'];

/**
 * Codes the console assigns itself when there is no problem document to show (the request never
 * reached Gantry, or something other than Gantry answered). Everything else is the API's own code.
 */
export type ConsoleErrorCode = 'console/network_error' | 'console/unexpected_response' | 'console/render_error';

/** What every failed call becomes; ErrorPanel shows its title, detail and code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];

  constructor(p: { status: number; code: string; title: string; detail: string; errors?: FieldError[] }) {
    super(`${p.code}: ${p.detail || p.title}`);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code;
    this.title = p.title;
    this.detail = p.detail;
    this.errors = p.errors ?? [];
  }
}

function isProblem(body: unknown): body is Problem {
  const b = body as Partial<Problem> | null;
  return typeof b === 'object' && b !== null && typeof b.code === 'string' && typeof b.title === 'string';
}

/** The one place a failed response becomes an ApiError: the API's problem document, or a plain description. */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  if (isProblem(body))
    return new ApiError({ status, code: body.code, title: body.title, detail: body.detail ?? '', errors: body.errors });
  return new ApiError({
    status,
    code: 'console/unexpected_response' satisfies ConsoleErrorCode,
    title: 'Unexpected response',
    detail: `The server answered ${status} without a problem document.`,
  });
}

export function networkError(cause: unknown): ApiError {
  return new ApiError({
    status: 0,
    code: 'console/network_error' satisfies ConsoleErrorCode,
    title: 'Gantry could not be reached',
    detail: cause instanceof Error ? cause.message : 'The request did not complete.',
  });
}

/** Anything thrown (an ApiError, or a bug while rendering) as something ErrorPanel can show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    status: 0,
    code: 'console/render_error' satisfies ConsoleErrorCode,
    title: 'This page failed',
    detail: error instanceof Error ? error.message : String(error),
  });
}
