import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request id travels with the async call chain so every log line of a request, and the
 * audit entry it writes, carry it without threading it through every signature.
 */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What Gantry accepts as a request id (an `x-request-id` header, one carried in a job's data). */
export const isRequestId = (v: unknown): v is string => typeof v === 'string' && REQUEST_ID.test(v);
