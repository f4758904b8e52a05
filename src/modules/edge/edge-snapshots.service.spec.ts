import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FeedChange, FeedTraceContext } from '../../core/relay/feed-protocol';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { SPAN } from '../../infra/tracing/spans';
import { startSpan, startTracing, stopTracing, traceCarrierOf } from '../../infra/tracing/tracing';
import { DeliveryMetrics } from '../delivery/delivery.metrics';
import { SnapshotChanges } from '../delivery/snapshot-source';
import { EdgeSnapshotsService } from './edge-snapshots.service';

// @nestjs/common is ES modules only, which jest's CommonJS runtime cannot load: a stand-in for the
// decorator these files use (the services are constructed by hand here).
jest.mock('@nestjs/common', () => ({ Injectable: () => () => undefined }));

/**
 * An edge applying its upstream's changes over a real tracer provider (in-memory exporter): a
 * change with a valid trace context is applied in a span continuing it, with the fan-out under
 * it, and this edge's context is passed on; a malformed one (it comes over the network) is
 * dropped, the change applied all the same, and nothing but the change's known fields goes on.
 */
describe('edge snapshots: tracing of applied changes', () => {
  const exporter = new InMemorySpanExporter();
  const changes = new SnapshotChanges();
  const passedOn: { change: FeedChange; trace?: FeedTraceContext }[] = [];
  changes.onApplied((_s, change, trace) => passedOn.push({ change, trace }));
  const metrics = new MetricsService();
  const edge = new EdgeSnapshotsService(changes, new DeliveryMetrics(metrics), metrics);
  const flag = (version: number, on: boolean) => ({
    key: 'f',
    version,
    on,
    variations: [false, true],
    fallthrough: { variation: 1 },
    offVariation: 0,
    targets: [],
    contextTargets: [],
    rules: [],
    prerequisites: [],
    salt: 's',
    deleted: false,
  });
  const change = (revision: number, trace?: unknown): FeedChange =>
    ({
      environmentId: 'env',
      revision: String(revision),
      kind: 'flag',
      key: 'f',
      version: revision,
      payload: flag(revision, revision % 2 === 0),
      committedAt: Date.now(),
      ...(trace === undefined ? {} : { trace }),
    }) as FeedChange;

  beforeAll(async () => {
    await startTracing(
      { enabled: true, serviceName: 'gantry-test', sdkSampleRatio: 0 },
      { processor: new SimpleSpanProcessor(exporter) },
    );
    edge.replace({
      id: 'env',
      project: 'p',
      key: 'production',
      sdkKeyHash: 'a'.repeat(64),
      revision: '1',
      data: { flags: { f: flag(1, false) }, segments: {} },
    });
  });
  afterAll(() => stopTracing());
  beforeEach(() => {
    exporter.reset();
    passedOn.length = 0;
  });

  it("continues the upstream's trace: apply under the upstream's span, fan-out under the apply, its own context passed on", () => {
    const upstream = startSpan('upstream apply');
    const carrier = traceCarrierOf(upstream)!;
    upstream.end();
    expect(edge.apply(change(2, carrier))).toBe('applied');

    const [apply] = exporter.getFinishedSpans().filter((s) => s.name === SPAN.snapshotApply);
    const [fanout] = exporter.getFinishedSpans().filter((s) => s.name === SPAN.sseFanout);
    expect(apply.spanContext().traceId).toBe(upstream.spanContext().traceId);
    expect(apply.parentSpanContext?.spanId).toBe(upstream.spanContext().spanId);
    expect(apply.attributes).toMatchObject({ 'gantry.revision': '2', 'gantry.change.key': 'f' });
    expect(fanout.parentSpanContext?.spanId).toBe(apply.spanContext().spanId);
    const { traceId, spanId } = apply.spanContext();
    expect(passedOn).toEqual([
      {
        change: expect.not.objectContaining({ trace: expect.anything() }),
        trace: { traceparent: `00-${traceId}-${spanId}-01` },
      },
    ]);
  });

  it('applies a change with a malformed trace context untraced, and passes on only what it knows', () => {
    const junk = { traceparent: `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`, evil: 'x'.repeat(10) };
    const bad = { ...change(3, junk), extra: 'not forwarded' } as FeedChange;
    expect(edge.apply(bad)).toBe('applied');
    expect(edge.apply(change(4, 'not an object'))).toBe('applied');
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(passedOn.map((p) => p.trace)).toEqual([undefined, undefined]);
    for (const { change: c } of passedOn)
      expect(Object.keys(c).sort()).toEqual([
        'committedAt',
        'environmentId',
        'key',
        'kind',
        'payload',
        'revision',
        'version',
      ]);
    expect(edge.revisions()).toEqual({ env: '4' });
  });
});
