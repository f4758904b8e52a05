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
