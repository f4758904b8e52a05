import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  inFanoutSpan,
  inJobSpan,
  inOutboxEnqueueSpan,
  inSnapshotApplySpan,
  onwardTraceCarrier,
  SPAN,
  startRelayPublishSpans,
} from './spans';
import {
  activeTraceIds,
  inSpan,
  requestTraceCarrier,
  startSpan,
  startTracing,
  stopTracing,
  traceCarrierOf,
  withRequestSpan,
} from './tracing';

/**
 * The helpers over a real tracer provider with an in-memory exporter: what each creates, and that
 * the context stored in a row, sent in a message or a job's data joins (or links) the spans.
 */
describe('tracing helpers', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    await startTracing(
      { enabled: true, serviceName: 'gantry-test', sdkSampleRatio: 0 },
      { processor: new SimpleSpanProcessor(exporter) },
    );
  });
  afterAll(() => stopTracing());
  beforeEach(() => exporter.reset());
  const span = (name: string) => {
    const found = exporter.getFinishedSpans().filter((s) => s.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('nests spans, through promises, and ends them when they settle', async () => {
    await inSpan('outer', () => inSpan('inner', async () => new Promise((r) => setTimeout(r, 1))));
    expect(span('inner').parentSpanContext?.spanId).toBe(span('outer').spanContext().spanId);
    expect(span('inner').spanContext().traceId).toBe(span('outer').spanContext().traceId);
  });

  it('starts a child-only span only under an active span', () => {
    inSpan('background tick', () => 1, { childOnly: true });
    expect(exporter.getFinishedSpans()).toEqual([]);
    inSpan('request', () => inSpan('work', () => 1, { childOnly: true }));
    expect(span('work').parentSpanContext?.spanId).toBe(span('request').spanContext().spanId);
  });

  it('records an exception and rethrows it', async () => {
    await expect(
      inSpan('failing', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(span('failing').status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
  });

  it('gives log lines the active span ids, and nothing outside a span', () => {
    expect(activeTraceIds()).toEqual({});
    inSpan('logged', (s) => {
      expect(activeTraceIds()).toEqual({ trace_id: s.spanContext().traceId, span_id: s.spanContext().spanId });
    });
  });

  it('carries a change from the outbox row through the relay to each node, as one trace', async () => {
    const change = { environmentId: 'env-1', revision: 7n, kind: 'flag', key: 'f' };
    let row: { traceContext?: unknown } & typeof change = change;
    await inSpan('PATCH /flags', () =>
      inOutboxEnqueueSpan(change, async (trace) => {
        row = { ...change, traceContext: trace };
        return 7n;
      }),
    );
    const spans = startRelayPublishSpans([row]);
    const message = JSON.parse(JSON.stringify({ trace: spans.carrier(row) })) as { trace: unknown };
    await spans.settle(Promise.resolve([[null, 1]] as [Error | null, unknown][]));
    // Two nodes receive the message.
    for (const streams of [2, 0])
      inSnapshotApplySpan(message.trace, change, (apply) => inFanoutSpan(apply, () => streams, Date.now() - 5));

    const http = span('PATCH /flags');
    const enqueue = span(SPAN.outboxEnqueue);
    const publish = span(SPAN.relayPublish);
    const applies = exporter.getFinishedSpans().filter((s) => s.name === SPAN.snapshotApply);
    const fanouts = exporter.getFinishedSpans().filter((s) => s.name === SPAN.sseFanout);
    expect(enqueue.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
    expect(publish.parentSpanContext?.spanId).toBe(enqueue.spanContext().spanId);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(applies).toHaveLength(2);
    for (const a of applies) expect(a.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(fanouts.map((f) => f.attributes['gantry.sse.streams']).sort()).toEqual([0, 2]);
    for (const f of fanouts) expect(f.attributes['gantry.propagation_lag_ms']).toEqual(expect.any(Number));
    const traceIds = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId));
    expect(traceIds).toEqual(new Set([http.spanContext().traceId]));
    expect(publish.attributes).toMatchObject({ 'gantry.revision': '7', 'gantry.change.key': 'f' });
    expect(enqueue.attributes).toMatchObject({ 'gantry.revision': '7', 'gantry.change.key': 'f' });
  });

  it('publishes a row without a trace context untraced, and applies it untraced', async () => {
    const row = { environmentId: 'e', revision: 1n, kind: 'flag', key: 'g', traceContext: null };
    const spans = startRelayPublishSpans([row]);
    expect(spans.carrier(row)).toBeUndefined();
    await spans.settle(Promise.resolve(null));
    expect(inSnapshotApplySpan(undefined, row, (apply) => inFanoutSpan(apply, () => 3))).toBe(3);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("passes on the apply span's context with a change, or the received one when this node does not trace it", () => {
    const upstreamSpan = startSpan('upstream apply');
    const upstream = traceCarrierOf(upstreamSpan)!;
    upstreamSpan.end();
    const change = { environmentId: 'e', revision: 7n, kind: 'flag', key: 'f' };
    const onward = inSnapshotApplySpan(upstream, change, (apply) => onwardTraceCarrier(apply, upstream));
    const apply = span(SPAN.snapshotApply);
    expect(onward).toEqual({ traceparent: `00-${apply.spanContext().traceId}-${apply.spanContext().spanId}-01` });
    expect(apply.parentSpanContext?.spanId).toBe(upstream.traceparent.split('-')[2]);
    // Untraced here (no valid carrier came): the received context, checked, or nothing.
    const notRecording = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    expect(onwardTraceCarrier(notRecording, { ...upstream, extra: 'x' })).toEqual(upstream);
    expect(onwardTraceCarrier(notRecording, { traceparent: '00-zz' })).toBeUndefined();
    expect(onwardTraceCarrier(notRecording, undefined)).toBeUndefined();
    // A malformed carrier from the network starts no span and passes nothing on.
    exporter.reset();
    expect(inSnapshotApplySpan({ traceparent: 'junk' }, change, (a) => onwardTraceCarrier(a, 'junk'))).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('fails the publish span of a message Redis refused', async () => {
    const row = { environmentId: 'e', revision: 1n, kind: 'flag', key: 'g', traceContext: undefined as unknown };
    inSpan('write', () => (row.traceContext = traceCarrierOf()));
    const spans = startRelayPublishSpans([row]);
    await spans.settle(Promise.resolve([[new Error('READONLY'), null]] as [Error | null, unknown][]));
    expect(span(SPAN.relayPublish).status.code).toBe(SpanStatusCode.ERROR);
  });

  it("starts a job's span in a new trace, linked to the request that enqueued it", async () => {
    let data: { trace?: unknown } = {};
    inSpan('POST /scheduled-changes', () => (data = { trace: traceCarrierOf() }));
    // Run while another span is active: the job's span still starts a trace of its own.
    await context.with(
      trace.setSpan(context.active(), trace.wrapSpanContext(span('POST /scheduled-changes').spanContext())),
      () =>
        inJobSpan({ name: 'scheduled-change.apply', id: 'j1', queueName: 'changes', attemptsMade: 0, data }, async () =>
          inSpan(SPAN.dbTransaction, () => undefined),
        ),
    );
    const request = span('POST /scheduled-changes');
    const job = span('job scheduled-change.apply');
    expect(job.parentSpanContext).toBeUndefined();
    expect(job.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(job.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
    expect(job.attributes).toMatchObject({ 'gantry.job.id': 'j1', 'gantry.job.attempt': 1 });
    expect(span(SPAN.dbTransaction).parentSpanContext?.spanId).toBe(job.spanContext().spanId);
  });

  it("gives a job enqueued deep inside a request the request's span, not the inner one", () => {
    const request = startSpan('PATCH /x');
    const carrier = context.with(withRequestSpan(context.active(), request), () =>
      inSpan(SPAN.dbTransaction, () => requestTraceCarrier()),
    );
    request.end();
    expect(carrier?.traceparent).toBe(`00-${request.spanContext().traceId}-${request.spanContext().spanId}-01`);
    // Outside a request: the active span.
    inSpan('sweep', (s) => expect(requestTraceCarrier()).toEqual(traceCarrierOf(s)));
  });

  it('runs a job without a carried context unlinked', async () => {
    await inJobSpan(
      { name: 'prune', queueName: 'maintenance', attemptsMade: 2, data: { trace: 'garbage' } },
      async () => 1,
    );
    expect(span('job prune').links).toEqual([]);
  });
});
