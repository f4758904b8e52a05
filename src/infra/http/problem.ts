import { HttpException } from '@nestjs/common';
import { ERROR_CATALOGUE, type ErrorCode } from '../../core/error-catalogue';
import { isTransactionTimeout } from '../prisma/transaction-errors';
import { DomainError, type FieldError } from '../../core/errors';
import { isDatabaseUnavailable } from '../prisma/prisma-errors';

/** RFC 9457 problem document with Gantry's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

/**
 * Generic titles, only for a framework error whose status is not its code's (a Nest or Fastify 4xx
 * Gantry has no code for is answered as `request/invalid` with the framework's own status).
 */
const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Codes for the statuses Nest and Fastify answer with on their own (guards, pipes, unknown routes). */
const CODES_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'request/invalid',
  401: 'auth/unauthenticated',
  403: 'auth/forbidden',
  404: 'route/not_found',
  405: 'route/method_not_allowed',
  413: 'request/too_large',
  415: 'request/unsupported_media_type',
  429: 'request/rate_limited',
  500: 'internal',
  503: 'unavailable',
};

/** Fastify's own error codes (raised before Nest sees the request) mapped to ours. */
const FASTIFY_CODES: Partial<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request/too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request/unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request/malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request/malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request/invalid',
};

/**
 * The problem document for `code`; status and title come from the catalogue. Only a framework error
 * may pass its own `status`, which keeps the catalogue's title when it agrees with the code's.
 */
export function problem(
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
  status: number = ERROR_CATALOGUE[code].status,
): Problem {
  const entry = ERROR_CATALOGUE[code];
  return {
    type: `https://gantry.dev/problems/${code}`,
    title: entry.status === status ? entry.title : (STATUS_TITLES[status] ?? 'Error'),
    status,
    detail,
    code,
    ...(errors && errors.length ? { errors } : {}),
  };
}

/** Turns anything thrown into a problem document; unknown errors become a 500 without details. */
export function toProblem(err: unknown): Problem {
  if (err instanceof DomainError) return problem(err.code, err.message, err.errors);
  // A transaction PostgreSQL was too slow for was rolled back whole: a refusal to retry, not a failure.
  if (isTransactionTimeout(err))
    return problem('unavailable', 'the database did not complete the transaction in time; nothing was written');
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const messages =
      typeof body === 'object' && body && Array.isArray((body as { message?: unknown }).message)
        ? (body as { message: string[] }).message
        : undefined;
    if (messages) {
      return problem(
        'request/invalid',
        messages.join('; '),
        messages.map((reason) => ({ field: reason.split(' ')[0], reason })),
        status,
      );
    }
    return problem(CODES_BY_STATUS[status] ?? 'request/invalid', err.message, undefined, status);
  }
  const e = err as { statusCode?: number; code?: string; message?: string; name?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Errors Fastify raises while parsing (body too large, bad JSON, wrong media type).
    const isJsonSyntax = e.name === 'SyntaxError' || /JSON/i.test(e.message ?? '');
    const code =
      (e.code ? FASTIFY_CODES[e.code] : undefined) ??
      (isJsonSyntax ? 'request/malformed_json' : (CODES_BY_STATUS[e.statusCode] ?? 'request/invalid'));
    return problem(code, e.message ?? 'invalid request', undefined, e.statusCode);
  }
  // PostgreSQL unreachable or not answering: a passing condition, so 503 and not 500. A write's
  // transaction either committed whole or not at all (its outcome is what the caller reads back).
  if (isDatabaseUnavailable(err)) return problem('unavailable', 'the database is unreachable; retry later');
  return problem('internal', 'an unexpected error occurred; see the server log for the request id');
}
