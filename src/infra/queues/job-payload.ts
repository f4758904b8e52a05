import { currentRequestId, isRequestId } from '../logging/request-context';
import { parseTraceCarrier, type TraceCarrier } from '../tracing/trace-carrier';
import { requestTraceCarrier } from '../tracing/tracing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job payloads come from Redis: check them like any other input before use. */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/**
 * What a job carries besides its row: the HTTP request that enqueued it, for the worker's log line,
 * and its trace context, which the job's span links to (worker-host.service.ts).
 */
export interface JobOrigin {
  requestId?: string;
  trace?: TraceCarrier;
}

/** Stamped into a job's data when it is enqueued while serving a request or in a traced span. */
export function jobOrigin(): JobOrigin {
  const requestId = currentRequestId();
  const trace = requestTraceCarrier();
  return { ...(requestId ? { requestId } : {}), ...(trace ? { trace } : {}) };
}

/** A payload's origin; a malformed request id or trace context is dropped, not fatal: they only label. */
export function parseJobOrigin(data: unknown): JobOrigin {
  const d = data as { requestId?: unknown; trace?: unknown } | null | undefined;
  const trace = parseTraceCarrier(d?.trace);
  return { ...(isRequestId(d?.requestId) ? { requestId: d.requestId } : {}), ...(trace ? { trace } : {}) };
}

export const invalidPayload = (job: string) => new Error(`invalid ${job} payload`);
