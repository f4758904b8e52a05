import { currentRequestId, isRequestId } from '../logging/request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job payloads come from Redis: check them like any other input before use. */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** What a job carries besides its row: the HTTP request that enqueued it, for the worker's log line. */
export interface JobOrigin {
  requestId?: string;
}

/** Stamped into a job's data when it is enqueued while serving a request (none from a worker or a sweep). */
export function jobOrigin(): JobOrigin {
  const requestId = currentRequestId();
  return requestId ? { requestId } : {};
}

/** A payload's origin; a malformed request id is dropped, not fatal: it only labels a log line. */
export function parseJobOrigin(data: unknown): JobOrigin {
  const requestId = (data as { requestId?: unknown } | null | undefined)?.requestId;
  return isRequestId(requestId) ? { requestId } : {};
}

export const invalidPayload = (job: string) => new Error(`invalid ${job} payload`);
