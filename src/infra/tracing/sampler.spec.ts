import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { httpRouteClass, httpSpanName } from './http-tracing';
import { ATTR_SDK_ROUTE, GantrySampler, SamplingDecision } from './sampler';

// TraceIdRatioBased compares the xor of the trace id's four 32-bit words with ratio × 2^32.
const LOW = '00000000000000000000000000000001';
const HIGH = 'ffffffff000000000000000000000000';
const withParent = (traceFlags: TraceFlags): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: LOW, spanId: '00f067aa0ba902b7', traceFlags, isRemote: true });

const decide = (sampler: GantrySampler, ctx: Context, traceId: string, sdk: boolean) =>
  sampler.shouldSample(ctx, traceId, 'GET /x', SpanKind.SERVER, sdk ? { [ATTR_SDK_ROUTE]: true } : {}, []).decision;

describe('GantrySampler', () => {
  it('traces every request that starts a trace, outside SDK routes', () => {
    const s = new GantrySampler(0);
    expect(decide(s, ROOT_CONTEXT, HIGH, false)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it("obeys an incoming traceparent's sampled flag outside SDK routes", () => {
    const s = new GantrySampler(0);
    expect(decide(s, withParent(TraceFlags.SAMPLED), LOW, false)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(s, withParent(TraceFlags.NONE), LOW, false)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('traces no SDK request at the default ratio 0, even one whose caller asks for sampling', () => {
    const s = new GantrySampler(0);
    expect(decide(s, ROOT_CONTEXT, LOW, true)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, withParent(TraceFlags.SAMPLED), LOW, true)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('traces every SDK request at ratio 1, and decides by trace id in between', () => {
    expect(decide(new GantrySampler(1), ROOT_CONTEXT, HIGH, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const half = new GantrySampler(0.5);
    expect(decide(half, ROOT_CONTEXT, LOW, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(half, ROOT_CONTEXT, HIGH, true)).toBe(SamplingDecision.NOT_RECORD);
    // The same trace id always gets the same answer (every node of a trace agrees).
    expect(decide(half, withParent(TraceFlags.NONE), LOW, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('HTTP routes', () => {
  it.each([
    ['/all', false, 'sdk'],
    ['/sdk/latest-all', false, 'sdk'],
    ['/bulk', false, 'sdk'],
    ['/ofrep/v1/evaluate/flags/:key', false, 'sdk'],
    ['/relay/v1/feed', false, 'sdk'],
    ['/some/new/sdk/route', true, 'sdk'],
    ['/api/v1/projects/:projectKey/flags/:flagKey', false, 'api'],
    ['/graphql', false, 'api'],
    [undefined, false, 'api'],
    ['/health/ready', false, 'untraced'],
    ['/metrics', false, 'untraced'],
    ['/ui/*', false, 'untraced'],
    ['/api/v1/metrics', false, 'api'],
  ] as const)('%s (marked SDK: %s) is %s', (route, marked, expected) => {
    expect(httpRouteClass(route, marked)).toBe(expected);
  });

  it('names the server span by method and route template', () => {
    expect(httpSpanName('PATCH', '/api/v1/projects/:projectKey/flags/:flagKey')).toBe(
      'PATCH /api/v1/projects/:projectKey/flags/:flagKey',
    );
    expect(httpSpanName('GET', undefined)).toBe('GET');
  });
});
