import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id travels with the async call chain so every log line of a request, and the
 * audit entry it writes, carry it without threading it through every signature.
 */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

/** Route config flag of the routes whose requests run outside the request context (see withoutRequestContext). */
const NO_REQUEST_CONTEXT = 'gantryNoRequestContext';

/**
 * Marks a plain Fastify route whose requests do not run in the request context: an OFREP answer
 * is computed from memory in one synchronous pass and logs nothing when it succeeds, so entering
 * the context (and carrying it through every promise) on each request buys nothing. Its failures
 * still carry the request id: Fastify's request logger binds it, and the route's own error log
 * enters the context for that line (OfrepController). Audit entries and jobs, which read the
 * context, are never written by such a route.
 */
export function withoutRequestContext<T extends { config?: object }>(options: T): T {
  return { ...options, config: { ...options.config, [NO_REQUEST_CONTEXT]: true } };
}

export const runsInRequestContext = (routeConfig: unknown): boolean =>
  (routeConfig as Record<string, unknown> | undefined)?.[NO_REQUEST_CONTEXT] !== true;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What Gantry accepts as a request id (an `x-request-id` header, one carried in a job's data). */
export const isRequestId = (v: unknown): v is string => typeof v === 'string' && REQUEST_ID.test(v);

/** A request's id: the caller's valid `x-request-id`, kept so its logs and ours line up, or a fresh one. */
export function requestIdFor(headers: Record<string, string | string[] | undefined>): string {
  const given = headers['x-request-id'];
  return isRequestId(given) ? given : randomUUID();
}

/**
 * Runs the handler of a route marked withoutRequestContext. What it throws, or rejects with, is
 * passed on after `log` has reported it inside the request's context, so that line carries the
 * request id as it would on any other route.
 */
export function reportingFailures(
  requestId: string,
  handle: () => void | Promise<void>,
  log: (e: unknown) => void,
): void | Promise<void> {
  try {
    return handle()?.catch((e: unknown) => {
      throw reported(requestId, log, e);
    });
  } catch (e) {
    throw reported(requestId, log, e);
  }
}

function reported(requestId: string, log: (e: unknown) => void, e: unknown): unknown {
  requestContext.run({ requestId }, () => log(e));
  return e;
}
