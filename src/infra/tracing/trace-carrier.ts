import { TraceFlags, type SpanContext } from '@opentelemetry/api';

/**
 * A W3C trace context as it travels outside a process: in an outbox row, a pub/sub message, a job's
 * data. It comes back from PostgreSQL and Redis, so it is checked like any input before use, and a
 * malformed one is dropped (it only connects spans; it never decides anything).
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

// version-traceid-parentid-flags (https://www.w3.org/TR/trace-context/#traceparent-header)
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);
/** The specification allows 32 list members of up to 256 characters; 512 characters is what propagators keep. */
const MAX_TRACESTATE = 512;
const TRACESTATE = /^[\x20-\x7e]*$/;

/** The carrier of a span context; undefined for an invalid one (no tracer registered, a non-recording stand-in). */
export function encodeTraceCarrier(sc: SpanContext, tracestate?: string): TraceCarrier | undefined {
  if (!isValidIds(sc.traceId, sc.spanId)) return undefined;
  const flags = (sc.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  const carrier: TraceCarrier = { traceparent: `00-${sc.traceId}-${sc.spanId}-${flags}` };
  if (tracestate) carrier.tracestate = tracestate;
  return carrier;
}

/** The remote span context a carrier names, or undefined when it is absent or malformed. */
export function decodeTraceCarrier(value: unknown): (SpanContext & { tracestateText?: string }) | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { traceparent, tracestate } = value as { traceparent?: unknown; tracestate?: unknown };
  if (typeof traceparent !== 'string') return undefined;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  // Version ff is forbidden; version 00 has exactly four fields; later versions may append more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isValidIds(traceId, spanId)) return undefined;
  const sc: SpanContext & { tracestateText?: string } = {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (typeof tracestate === 'string' && tracestate.length <= MAX_TRACESTATE && TRACESTATE.test(tracestate))
    sc.tracestateText = tracestate;
  return sc;
}

/** A carrier as stored or sent: the checked fields only, or undefined. */
export function parseTraceCarrier(value: unknown): TraceCarrier | undefined {
  const sc = decodeTraceCarrier(value);
  return sc ? encodeTraceCarrier(sc, sc.tracestateText) : undefined;
}

const isValidIds = (traceId: string, spanId: string) =>
  /^[0-9a-f]{32}$/.test(traceId) &&
  /^[0-9a-f]{16}$/.test(spanId) &&
  traceId !== INVALID_TRACE_ID &&
  spanId !== INVALID_SPAN_ID;
