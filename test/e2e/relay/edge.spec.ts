/**
 * An edge node (GANTRY_ROLE=edge) started with no database or Redis address: it serves a real
 * LaunchDarkly SDK and OFREP from snapshots taken over the relay feed of an API node, sees changes
 * made there, keeps serving when the upstream goes away, resumes by revision when it returns, and
 * feeds an edge below it.
 */
import type { LDContext } from '@launchdarkly/node-server-sdk';
import {
  startEdge,
  startGantry,
  startSecondNode,
  type ApiClient,
  type Gantry,
  type GantryNode,
} from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { faultProxy, type FaultProxy } from '../../support/fault-proxy';

const P = 'edged';
const E = 'production';

interface Ready {
  ready: boolean;
  status: string;
  upstream: { state: string; stalenessSeconds: number; fullEnvironments: number; changesApplied: number };
}

describe('edge role', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let upstream: GantryNode;
  let edge: GantryNode;
  let token: string;
  let sdkKey: string;
  let link: FaultProxy;

  const readyOf = async (node: GantryNode) => (await node.raw<Ready>('GET', '/health/ready')).body;
  const synced = (node: GantryNode) =>
    eventually(async () => {
      const r = await readyOf(node);
      if (r.upstream.state !== 'connected') throw new Error(`edge not in sync: ${JSON.stringify(r)}`);
      return r;
    });

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    await factory.flag(api, P, { key: 'f' });
    sdkKey = await sdkKeyOf(api, P, E);
    const created = await gantry.raw<{ token: string }>('POST', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
      body: { name: 'edge', scope: [{ project: P, environments: ['*'] }] },
    });
    token = created.body.token;
    // The edge's upstream is a separate API node, so the test can stop it while the first keeps writing.
    upstream = await startSecondNode(gantry, { role: 'api' });
    link = await faultProxy(Number(new URL(upstream.baseUrl).port));
    edge = await startEdge(gantry, link.url, token);
    await synced(edge);
  }, 60_000);

  afterAll(async () => {
    await link?.close();
    await gantry?.stop();
  });

  it('serves a real SDK that sees a change made on an API node', async () => {
    const ld = ldClient(edge.baseUrl, sdkKey);
    try {
      await ld.waitForInitialization({ timeout: 10 });
      const ctx: LDContext = { kind: 'user', key: 'u1' };
      expect(await ld.variation('f', ctx, 'default')).toBe(false);
      await factory.patchFlag(api, P, 'f', { environmentKey: E, instructions: [{ kind: 'turnFlagOn' }] });
      await eventually(async () => expect(await ld.variation('f', ctx, 'default')).toBe(true));
    } finally {
      ld.close();
    }
  });

  it('answers OFREP exactly as an API node does', async () => {
    for (const context of [{ targetingKey: 'a' }, { targetingKey: 'b', kind: 'org' }, {}]) {
      const ask = (base: string) =>
        fetch(`${base}/ofrep/v1/evaluate/flags`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ context }),
        }).then(async (r) => [r.status, await r.text()]);
      await eventually(async () => expect(await ask(edge.baseUrl)).toEqual(await ask(gantry.baseUrl)));
    }
    const unknown = await fetch(`${edge.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-key', 'content-type': 'application/json' },
      body: '{"context":{"targetingKey":"a"}}',
    });
    expect(unknown.status).toBe(401);
  });

  it('keeps serving with the upstream unreachable, reports its staleness, and resumes by revision', async () => {
    const before = await synced(edge);
    await link.cut();
    await eventually(async () => expect((await readyOf(edge)).upstream.state).not.toBe('connected'));
    const away = await edge.raw<Ready>('GET', '/health/ready');
    expect([away.status, away.body.status]).toEqual([200, 'degraded']);
    expect(away.body.upstream.stalenessSeconds).toBeGreaterThanOrEqual(0);
    const poll = await fetch(`${edge.baseUrl}/sdk/latest-all`, { headers: { authorization: sdkKey } });
    expect(poll.status).toBe(200);
    expect(await (await fetch(`${edge.baseUrl}/metrics`)).text()).toMatch(/gantry_edge_upstream_connected 0/);

    // Changed while the edge cannot reach its upstream.
    await factory.patchFlag(api, P, 'f', { environmentKey: E, instructions: [{ kind: 'turnFlagOff' }] });
    await link.heal();
    const after = await eventually(
      async () => {
        const r = await synced(edge);
        if (r.upstream.changesApplied <= before.upstream.changesApplied) throw new Error('change not applied yet');
        return r;
      },
      { timeoutMs: 20_000 },
    );
    // The missed change alone, not the environment again.
    expect(after.upstream.fullEnvironments).toBe(before.upstream.fullEnvironments);
    const body = (await (
      await fetch(`${edge.baseUrl}/sdk/latest-all`, { headers: { authorization: sdkKey } })
    ).json()) as {
      flags: { f: { on: boolean } };
    };
    expect(body.flags.f.on).toBe(false);
  });

  it('feeds an edge below it, which delivers a change', async () => {
    const relayToken = (
      await gantry.raw<{ token: string }>('POST', '/api/v1/relay-credentials', {
        token: gantry.ownerToken,
        body: { name: 'leaf', scope: [{ project: P, environments: [E] }] },
      })
    ).body.token;
    const leaf = await startEdge(gantry, edge.baseUrl, relayToken);
    await synced(leaf);
    await factory.patchFlag(api, P, 'f', { environmentKey: E, instructions: [{ kind: 'turnFlagOn' }] });
    await eventually(async () => {
      const res = await fetch(`${leaf.baseUrl}/sdk/latest-all`, { headers: { authorization: sdkKey } });
      expect(((await res.json()) as { flags: { f: { on: boolean } } }).flags.f.on).toBe(true);
    });
    await leaf.stop();
  });

  it('ends its feed when its credential is revoked', async () => {
    const created = await gantry.raw<{ token: string; id: string }>('POST', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
      body: { name: 'short-lived', scope: [{ project: P, environments: [E] }] },
    });
    const doomed = await startEdge(gantry, upstream.baseUrl, created.body.token);
    await synced(doomed);
    await gantry.raw('DELETE', `/api/v1/relay-credentials/${created.body.id}`, { token: gantry.ownerToken });
    await eventually(async () => expect((await readyOf(doomed)).upstream.state).toBe('rejected'));
    await doomed.stop();
  });
});
