/**
 * Tracing end to end (issue 15, part 1), over real processes, PostgreSQL and Redis, with the spans
 * exported by OTLP/HTTP to a receiver on loopback (support/otlp-receiver.ts):
 * - one PATCH of a flag's targeting, sent with a W3C traceparent, yields one trace: the HTTP span
 *   (child of the caller's span), authorization, the write transaction, the outbox row, the relay's
 *   publish, and on each of two nodes the snapshot apply and the SSE fan-out to its open stream;
 * - a scheduled change created by a request runs in a job whose span links to that request's span;
 * - log lines written while a span is active carry its trace_id and span_id.
 * Assertions are on names, ids, links and attributes only, never on timings.
 */
import { randomBytes } from 'node:crypto';
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Project } from '../../support/factories';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver';
import { openSse, type SseStream } from '../../support/sse';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The span and its ancestors within its trace, nearest first. */
function ancestry(span: ReceivedSpan, trace: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const out = [span];
  for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) out.push(p);
  return out;
}

const one = (trace: ReceivedSpan[], name: string, where: (s: ReceivedSpan) => boolean = () => true) => {
  const found = trace.filter((s) => s.name === name && where(s));
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0];
};

describe('tracing across the change path', () => {
  let otlp: OtlpReceiver;
  let g: Gantry;
  let second: GantryNode;
  let owner: ApiClient;
  let project: Project;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    g = await startGantry({
      role: 'all',
      env: otlp.env({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=node-a', LOG_LEVEL: 'info' }),
    });
    second = await startSecondNode(g, { env: otlp.env({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=node-b' }) });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging'] });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await g?.stop();
    await otlp?.close();
  });

  it('follows one PATCH from the request to the fan-out on every node, as one trace', async () => {
    const flag = await factory.flag(owner, project.key);
    const sdkKey = await sdkKeyOf(owner, project.key, 'staging');
    // One SDK stream on each node, so each fan-out has a stream to write to.
    for (const node of [g, second]) {
      const stream = await openSse(node.baseUrl, sdkKey);
      streams.push(stream);
      await stream.next((e) => e.event === 'put');
    }

    const traceId = hex(16);
    const callerSpanId = hex(8);
    ok(
      await owner.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: flag.key } },
        headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
        body: { environmentKey: 'staging', instructions: [{ kind: 'turnFlagOn' }] },
      }),
    );
    for (const s of streams) await s.next((e) => e.event === 'patch' && e.data.includes(flag.key));

    const trace = await eventually(
      () => {
        const t = otlp.trace(traceId, ['gantry.relay.publish']);
        if (t.filter((s) => s.name === 'gantry.sse.fanout').length < 2)
          throw new Error('not every node fanned out yet');
        return t;
      },
      { timeoutMs: 15_000 },
    );

    const http = one(trace, 'PATCH /api/v1/projects/:projectKey/flags/:flagKey');
    expect(http).toMatchObject({ parentSpanId: callerSpanId, kind: SERVER });
    expect(http.attributes).toMatchObject({
      'http.request.method': 'PATCH',
      'http.route': '/api/v1/projects/:projectKey/flags/:flagKey',
      'http.response.status_code': 200,
    });
    expect(http.resource['service.name']).toBe('gantry');

    // Authorization and the write transaction inside the request; the outbox row inside the transaction.
    const authorize = trace.filter((s) => s.name === 'gantry.authorize');
    expect(authorize.length).toBeGreaterThanOrEqual(1);
    for (const a of authorize) expect(ancestry(a, trace)).toContain(http);
    const tx = one(trace, 'gantry.db.transaction');
    expect(ancestry(tx, trace)).toContain(http);
    const enqueue = one(trace, 'gantry.outbox.enqueue');
    expect(ancestry(enqueue, trace)).toContain(tx);

    // The relay continues from the row; each node's apply continues from the message.
    const publish = one(trace, 'gantry.relay.publish');
    expect(publish).toMatchObject({ parentSpanId: enqueue.spanId, kind: PRODUCER });
    expect(publish.attributes).toMatchObject({ 'gantry.change.kind': 'flag', 'gantry.change.key': flag.key });
    for (const node of ['node-a', 'node-b']) {
      const onNode = (s: ReceivedSpan) => s.resource['service.instance.id'] === node;
      const apply = one(trace, 'gantry.snapshot.apply', onNode);
      expect(apply.parentSpanId).toBe(publish.spanId);
      expect(apply.attributes['gantry.revision']).toBe(publish.attributes['gantry.revision']);
      const fanout = one(trace, 'gantry.sse.fanout', onNode);
      expect(fanout.parentSpanId).toBe(apply.spanId);
      expect(fanout.attributes['gantry.sse.streams']).toBeGreaterThanOrEqual(1);
      expect(fanout.attributes['gantry.propagation_lag_ms']).toEqual(expect.any(Number));
    }
    // Nothing of this change went to another trace: 1 row, 1 publish, 1 apply per node.
    expect(enqueue.attributes['gantry.revision']).toBe(publish.attributes['gantry.revision']);
    const ofChange = otlp.spans.filter(
      (s) =>
        s.attributes['gantry.change.key'] === flag.key &&
        s.attributes['gantry.revision'] === publish.attributes['gantry.revision'],
    );
    expect(ofChange.map((s) => s.name).sort()).toEqual([
      'gantry.outbox.enqueue',
      'gantry.relay.publish',
      'gantry.snapshot.apply',
      'gantry.snapshot.apply',
    ]);
    expect(new Set(ofChange.map((s) => s.traceId))).toEqual(new Set([traceId]));

    // The request's log lines carry its trace.
    const lines = g
      .stdout()
      .split('\n')
      .filter((l) => l.includes(traceId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines)
      expect(l).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it("links a scheduled change's job span to the request that created it", async () => {
    const flag = await factory.flag(owner, project.key);
    const traceId = hex(16);
    const created = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey: project.key, flagKey: flag.key, envKey: 'staging' } },
        headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
        body: { instructions: [{ kind: 'turnFlagOn' }], executionDate: new Date(Date.now() + 1_000).toISOString() },
      }),
    );
    const request = one(
      await eventually(() =>
        otlp.trace(traceId, [
          'POST /api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/scheduled-changes',
        ]),
      ),
      'POST /api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/scheduled-changes',
    );

    const job = await eventually(
      () => {
        const found = otlp.spans.filter(
          (s) => s.name === 'job scheduled-change.apply' && s.links.some((l) => l.spanId === request.spanId),
        );
        expect(found).toHaveLength(1);
        return found[0];
      },
      { timeoutMs: 20_000 },
    );
    // A link, not a parent: the job is a trace of its own, pointing back at the request.
    expect(job).toMatchObject({ parentSpanId: '', kind: CONSUMER });
    expect(job.traceId).not.toBe(traceId);
    expect(job.links).toEqual([{ traceId, spanId: request.spanId }]);
    expect(job.attributes['gantry.job.id']).toEqual(expect.stringContaining(created.id));

    // The change the job applied is traced under the job: transaction, outbox row, publish.
    const jobTrace = await eventually(() => otlp.trace(job.traceId, ['gantry.relay.publish']));
    const enqueue = one(jobTrace, 'gantry.outbox.enqueue');
    expect(ancestry(enqueue, jobTrace)).toContain(job);
    expect(one(jobTrace, 'gantry.relay.publish').parentSpanId).toBe(enqueue.spanId);
  });
});
