import { TraceFlags } from '@opentelemetry/api';
import { decodeTraceCarrier, encodeTraceCarrier, parseTraceCarrier } from './trace-carrier';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('trace carrier', () => {
  it('encodes a span context as a version-00 traceparent, with its trace state when given', () => {
    expect(encodeTraceCarrier({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED })).toEqual({
      traceparent: `00-${TRACE}-${SPAN}-01`,
    });
    expect(
      encodeTraceCarrier({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.NONE }, 'congo=t61rcWkgMzE'),
    ).toEqual({ traceparent: `00-${TRACE}-${SPAN}-00`, tracestate: 'congo=t61rcWkgMzE' });
  });

  it('encodes nothing for an invalid context (what a non-recording stand-in has)', () => {
    expect(encodeTraceCarrier({ traceId: '0'.repeat(32), spanId: SPAN, traceFlags: 1 })).toBeUndefined();
    expect(encodeTraceCarrier({ traceId: TRACE, spanId: '0'.repeat(16), traceFlags: 1 })).toBeUndefined();
  });

  it('decodes what it encodes, as a remote parent', () => {
    const c = encodeTraceCarrier({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED }, 'a=1');
    expect(decodeTraceCarrier(c)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      tracestateText: 'a=1',
    });
  });

  it('keeps only the sampled bit of the flags', () => {
    expect(decodeTraceCarrier({ traceparent: `00-${TRACE}-${SPAN}-03` })?.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(decodeTraceCarrier({ traceparent: `00-${TRACE}-${SPAN}-02` })?.traceFlags).toBe(TraceFlags.NONE);
  });

  it('accepts a later version with more fields, as the W3C specification asks', () => {
    expect(decodeTraceCarrier({ traceparent: `01-${TRACE}-${SPAN}-01-what-comes-next` })?.traceId).toBe(TRACE);
  });

  it.each([
    ['no object', null],
    ['a string', `00-${TRACE}-${SPAN}-01`],
    ['no traceparent', { tracestate: 'a=1' }],
    ['a number', { traceparent: 7 }],
    ['version ff', { traceparent: `ff-${TRACE}-${SPAN}-01` }],
    ['version 00 with a fifth field', { traceparent: `00-${TRACE}-${SPAN}-01-x` }],
    ['upper-case hex', { traceparent: `00-${TRACE.toUpperCase()}-${SPAN}-01` }],
    ['a short trace id', { traceparent: `00-${TRACE.slice(1)}-${SPAN}-01` }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }],
    ['an all-zero span id', { traceparent: `00-${TRACE}-${'0'.repeat(16)}-01` }],
  ])('drops a malformed carrier: %s', (_what, value) => {
    expect(decodeTraceCarrier(value)).toBeUndefined();
    expect(parseTraceCarrier(value)).toBeUndefined();
  });

  it('drops an oversized or non-printable trace state but keeps the traceparent', () => {
    const traceparent = `00-${TRACE}-${SPAN}-01`;
    expect(parseTraceCarrier({ traceparent, tracestate: 'a=' + 'x'.repeat(600) })).toEqual({ traceparent });
    expect(parseTraceCarrier({ traceparent, tracestate: 'a=1\nb=2' })).toEqual({ traceparent });
    expect(parseTraceCarrier({ traceparent, tracestate: 42 })).toEqual({ traceparent });
  });

  it('parses to the checked fields only', () => {
    const traceparent = `00-${TRACE}-${SPAN}-01`;
    expect(parseTraceCarrier({ traceparent, tracestate: 'a=1', extra: 'dropped' })).toEqual({
      traceparent,
      tracestate: 'a=1',
    });
  });
});
