/**
 * Tracing reaches edge nodes (issue 15): the API node's relay feed sends each live change with its
 * trace context (the API node's gantry.snapshot.apply span), so an edge's apply and fan-out join
 * the change's trace, and an edge that feeds another edge passes on its own apply's context. Real
 * processes, PostgreSQL and Redis; spans exported by OTLP/HTTP to a receiver on loopback
 * (support/otlp-receiver.ts). Assertions on names, ids and attributes only, never on timings.
 */
import { randomBytes } from 'node:crypto';
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Project } from '../../support/factories';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver';
import { openSse, type SseStream } from '../../support/sse';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const one = (trace: ReceivedSpan[], name: string, where: (s: ReceivedSpan) => boolean) => {
  const found = trace.filter((s) => s.name === name && where(s));
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0];
};
const onNode = (node: string) => (s: ReceivedSpan) => s.resource['service.instance.id'] === node;

describe('tracing across the relay feed to edge nodes', () => {
  let otlp: OtlpReceiver;
  let g: Gantry;
  let edge: GantryNode;
  let leaf: GantryNode;
  let owner: ApiClient;
  let project: Project;
  const streams: SseStream[] = [];

  /** An edge with tracing on towards the receiver, fed by `upstreamUrl`. */
  const startTracedEdge = (upstreamUrl: string, token: string, name: string) =>
    startSecondNode(g, {
      role: 'edge',
      env: otlp.env({
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${name}`,
        GANTRY_UPSTREAM_URL: upstreamUrl,
        GANTRY_RELAY_TOKEN: token,
      }),
    });
  const synced = (node: GantryNode) =>
    eventually(async () => {
      const r = await node.raw<{ upstream: { state: string } }>('GET', '/health/ready');
      if (r.body.upstream?.state !== 'connected') throw new Error(`edge not in sync: ${r.text}`);
    });

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    g = await startGantry({ role: 'all', env: otlp.env({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=api' }) });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging'] });
    const credential = async (name: string) =>
      (
        await g.raw<{ token: string }>('POST', '/api/v1/relay-credentials', {
          token: g.ownerToken,
          body: { name, scope: [{ project: project.key, environments: ['*'] }] },
        })
      ).body.token;
    // api → edge → leaf: the edge is itself the upstream of another edge.
    edge = await startTracedEdge(g.baseUrl, await credential('edge'), 'edge');
    await synced(edge);
    leaf = await startTracedEdge(edge.baseUrl, await credential('leaf'), 'leaf');
    await synced(leaf);
  }, 120_000);
  afterAll(async () => {
    for (const s of streams) s.close();
    await g?.stop();
    await otlp?.close();
  });

  it("continues one PATCH's trace on an edge and on the edge below it, apply and fan-out", async () => {
    const flag = await factory.flag(owner, project.key);
    const sdkKey = await sdkKeyOf(owner, project.key, 'staging');
    // The new flag reaches both edges first (its own, untraced, change), then one SDK stream on each.
    for (const node of [edge, leaf]) {
      await eventually(async () => {
        const r = await node.raw<{ flags: Record<string, unknown> }>('GET', '/sdk/latest-all', {
          headers: { authorization: sdkKey },
        });
        expect(Object.keys(r.body.flags ?? {})).toContain(flag.key);
      });
      const stream = await openSse(node.baseUrl, sdkKey);
      streams.push(stream);
      await stream.next((e) => e.event === 'put');
    }

    const traceId = hex(16);
    ok(
      await owner.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: flag.key } },
        headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
        body: { environmentKey: 'staging', instructions: [{ kind: 'turnFlagOn' }] },
      }),
    );
    for (const s of streams) await s.next((e) => e.event === 'patch' && e.data.includes(flag.key));

    const trace = await eventually(
      () => {
        const t = otlp.trace(traceId, ['gantry.relay.publish']);
        for (const node of ['api', 'edge', 'leaf'])
          if (!t.some((s) => s.name === 'gantry.sse.fanout' && onNode(node)(s)))
            throw new Error(`no fan-out from ${node} yet`);
        return t;
      },
      { timeoutMs: 20_000 },
    );

    const publish = one(trace, 'gantry.relay.publish', onNode('api'));
    const revision = publish.attributes['gantry.revision'];
    const apiApply = one(trace, 'gantry.snapshot.apply', onNode('api'));
    expect(apiApply.parentSpanId).toBe(publish.spanId);
    // Each edge's apply is a child of its upstream's apply, and its fan-out a child of its apply.
    let upstreamApply = apiApply;
    for (const node of ['edge', 'leaf']) {
      const apply = one(trace, 'gantry.snapshot.apply', onNode(node));
      expect(apply.parentSpanId).toBe(upstreamApply.spanId);
      expect(apply.attributes).toMatchObject({
        'gantry.revision': revision,
        'gantry.change.kind': 'flag',
        'gantry.change.key': flag.key,
      });
      const fanout = one(trace, 'gantry.sse.fanout', onNode(node));
      expect(fanout.parentSpanId).toBe(apply.spanId);
      expect(fanout.attributes['gantry.sse.streams']).toBeGreaterThanOrEqual(1);
      expect(fanout.attributes['gantry.propagation_lag_ms']).toEqual(expect.any(Number));
      upstreamApply = apply;
    }
    // Every span of this change, on every node, is in this one trace.
    const ofChange = otlp.spans.filter(
      (s) => s.attributes['gantry.change.key'] === flag.key && s.attributes['gantry.revision'] === revision,
    );
    expect(ofChange.filter((s) => s.name === 'gantry.snapshot.apply')).toHaveLength(3);
    expect(new Set(ofChange.map((s) => s.traceId))).toEqual(new Set([traceId]));
  });
});
