/**
 * An API node killed (SIGKILL) with SDK streams open (DESIGN §6): two API nodes share the database
 * and Redis, behind a loopback load spreader. SDK streams held on node A lose their connection when
 * A dies; changes are made while they are away; they reconnect through the spreader, now routed to
 * node B, resume with Last-Event-ID and receive exactly the changes they missed — the missed patch
 * and delete events in revision order, nothing twice, no put — and converge on the final state. A
 * node started after the changes, which keeps none of them in memory, answers the same resumption
 * with the same events read from the outbox; once retention has pruned them, with a full put. The
 * raw SSE reader checks the wire; the LaunchDarkly Node server SDK checks that a real client
 * converges.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { factory, type Flag } from '../../support/factories';
import { loadSpreader, type LoadSpreader } from '../../support/load-spreader';
import { openSse, sseJson, type SseEvent, type SseStream } from '../../support/sse';
import type { LDClient } from '@launchdarkly/node-server-sdk';

const P = 'failover';
const E = 'production';
const user = (key: string) => ({ kind: 'user', key });

type Item = { key: string; version: number; deleted?: boolean } & Record<string, unknown>;
type Data = { flags: Record<string, Item>; segments: Record<string, Item> };

/** What an SDK's store holds after `events` (protocols.md §3.3): put replaces, patch/delete by version. */
function applyEvents(start: Data | undefined, events: SseEvent[]): Data {
  let data: Data = start ? structuredClone(start) : { flags: {}, segments: {} };
  for (const e of events) {
    const body = sseJson(e);
    if (e.event === 'put') {
      data = structuredClone(body.data);
      continue;
    }
    const [, kind, key] = /^\/(flags|segments)\/(.+)$/.exec(body.path)!;
    const store = data[kind as keyof Data];
    const version = e.event === 'patch' ? body.data.version : body.version;
    if (store[key] && store[key].version >= version) continue;
    store[key] = e.event === 'patch' ? body.data : { key, version, deleted: true };
  }
  return data;
}

/** The live items only (a store keeps tombstones; a put leaves deleted items out). */
const live = (d: Data): Data => ({
  flags: Object.fromEntries(Object.entries(d.flags).filter(([, f]) => !f.deleted)),
  segments: Object.fromEntries(Object.entries(d.segments).filter(([, s]) => !s.deleted)),
});

describe('an API node killed with SDK streams open', () => {
  let g: Gantry; // node B: API and workers; it stays up
  let nodeA: GantryNode; // API only; killed
  let lb: LoadSpreader;
  let api: ApiClient;
  let sdkKey: string;
  let flags: Flag[];
  const streams: SseStream[] = [];
  const clients: LDClient[] = [];

  beforeAll(async () => {
    g = await startGantry();
    nodeA = await startSecondNode(g, { role: 'api' });
    lb = await loadSpreader(nodeA.baseUrl);
    api = g.client(g.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);
    flags = [
      await factory.flag(api, P, {
        key: 'checkout',
        variations: ['old', 'new'],
        defaults: { onVariation: 1, offVariation: 0 },
      }),
      await factory.flag(api, P, {
        key: 'banner',
        variations: ['off', 'on'],
        defaults: { onVariation: 1, offVariation: 0 },
      }),
    ];
  }, 120_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    for (const c of clients) c.close();
    await lb?.close();
    await g?.stop(); // stops node A too, if still running
  });

  const open = async (baseUrl: string, lastEventId?: string) => {
    const s = await openSse(baseUrl, sdkKey, { lastEventId });
    streams.push(s);
    expect(s.status).toBe(200);
    return s;
  };

  /** The environment's data and revision as node B serves them to polling SDKs. */
  const served = async () => {
    const res = await g.raw<Data>('GET', '/sdk/latest-all', { headers: { authorization: sdkKey } });
    expect(res.status).toBe(200);
    const revision = /:(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1];
    return { data: res.body, revision: BigInt(revision!) };
  };

  /** Reads the stream until the event with `id` (failing if it does not come), returning all read. */
  const readUntil = async (s: SseStream, id: bigint) => {
    const got: SseEvent[] = [];
    for (;;) {
      const e = await s.next(() => true, 20_000);
      got.push(e);
      if (e.id !== undefined && BigInt(e.id) >= id) return got;
    }
  };

  it('streams resume on the surviving node with exactly the changes they missed, and converge', async () => {
    // Node B has served this environment (a poll): it follows its changes from here on.
    const before = await served();

    // A raw stream and an SDK connected to node A through the spreader.
    const raw = await open(lb.url);
    const put = await raw.next((e) => e.event === 'put');
    expect(BigInt(put.id!)).toBe(before.revision);
    const sdk = ldClient(lb.url, sdkKey, { streamInitialReconnectDelay: 0.2 });
    clients.push(sdk);
    await sdk.waitForInitialization({ timeout: 20 });
    expect(lb.given()[Number(new URL(nodeA.baseUrl).port)]).toBeGreaterThanOrEqual(2);

    // One change while connected, written through node A: both see it.
    await factory.patchFlag(nodeA.client(g.ownerToken), P, 'checkout', {
      environmentKey: E,
      instructions: [{ kind: 'turnFlagOn' }],
    });
    const seen = await raw.next((e) => e.event === 'patch');
    await eventually(async () => expect(await sdk.variation('checkout', user('u1'), 'x')).toBe('new'));

    // Node A dies; its streams end with it. New connections now go to node B.
    await nodeA.kill();
    lb.route(g.baseUrl);
    await raw.ended;

    // Changes while the clients are away (through B): patches, a new flag, a segment, a deletion.
    await factory.patchFlag(api, P, 'checkout', {
      environmentKey: E,
      instructions: [{ kind: 'addTargets', variationId: flags[0].variations[0]._id, values: ['vip'] }],
    });
    await factory.flag(api, P, { key: 'late', variations: ['a', 'b'], defaults: { onVariation: 1, offVariation: 0 } });
    await factory.segment(api, P, E, { key: 'beta-users', included: ['u2'] });
    await factory.patchFlag(api, P, 'banner', { instructions: [{ kind: 'archiveFlag' }] });
    await factory.patchFlag(api, P, 'late', { environmentKey: E, instructions: [{ kind: 'turnFlagOn' }] });
    const final = await eventually(async () => {
      const now = await served();
      // Every write above has reached B's snapshot.
      expect(now.data.flags.late).toMatchObject({ on: true });
      expect(now.data.flags.banner).toBeUndefined();
      return now;
    });

    // The raw stream resumes on B (through the spreader) from the last event it saw.
    const resumed = await open(lb.url, seen.id);
    const missed = await readUntil(resumed, final.revision);
    expect(missed.map((e) => e.event)).not.toContain('put');
    // Exactly the revisions after the last one seen, each once, in order.
    const ids = missed.map((e) => BigInt(e.id!));
    const expected = Array.from(
      { length: Number(final.revision - BigInt(seen.id!)) },
      (_, i) => BigInt(seen.id!) + 1n + BigInt(i),
    );
    expect(ids).toEqual(expected);
    expect(missed.map((e) => [e.event, sseJson(e).path])).toEqual(
      expect.arrayContaining([
        ['patch', '/flags/checkout'],
        ['patch', '/flags/late'],
        ['patch', '/segments/beta-users'],
        ['delete', '/flags/banner'],
      ]),
    );
    // What it holds now is what B serves.
    expect(live(applyEvents(applyEvents(undefined, [put, seen]), missed))).toEqual(live(final.data));

    // The SDK reconnected through the spreader to B and converged on the final state.
    await eventually(
      async () => {
        expect(await sdk.variation('checkout', user('vip'), 'x')).toBe('old');
        expect(await sdk.variation('late', user('u1'), 'x')).toBe('b');
        expect(await sdk.variationDetail('banner', user('u1'), 'gone')).toMatchObject({
          value: 'gone',
          reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
        });
      },
      { timeoutMs: 30_000 },
    );
    expect(lb.given()[Number(new URL(g.baseUrl).port)]).toBeGreaterThanOrEqual(2);
    const state = (await sdk.allFlagsState(user('u1'))).toJSON() as {
      $flagsState: Record<string, { version: number }>;
    };
    expect(Object.fromEntries(Object.entries(state.$flagsState).map(([k, v]) => [k, v.version]))).toEqual(
      Object.fromEntries(Object.entries(final.data.flags).map(([k, f]) => [k, f.version])),
    );

    // A change after the failover reaches both on B.
    await factory.patchFlag(api, P, 'late', { environmentKey: E, instructions: [{ kind: 'turnFlagOff' }] });
    const after = await resumed.next((e) => e.event === 'patch');
    expect(BigInt(after.id!)).toBe(final.revision + 1n);
    await eventually(async () => expect(await sdk.variation('late', user('u1'), 'x')).toBe('a'));

    // A node started after all this keeps none of it in memory: it reads what the client missed
    // from the outbox and sends the same events, byte for byte.
    const nodeC = await startSecondNode(g, { role: 'api' });
    const latest = await served();
    expect(latest.revision).toBe(BigInt(after.id!));
    const onC = await open(nodeC.baseUrl, seen.id);
    const fromOutbox = await readUntil(onC, latest.revision);
    expect(fromOutbox).toEqual([...missed, after]);

    // Once the outbox no longer has them all (retention pruned them), the revision is too old: the
    // client gets the whole final state in a put.
    const [{ id: envId }] = await g.sql<{ id: string }>(
      `SELECT e.id FROM "Environment" e JOIN "Project" p ON p.id = e."projectId" WHERE p.key = $1 AND e.key = $2`,
      [P, E],
    );
    await g.sql(`DELETE FROM "OutboxEvent" WHERE "environmentId" = $1::uuid AND revision <= $2`, [
      envId,
      String(BigInt(seen.id!) + 1n),
    ]);
    const tooOld = await open(nodeC.baseUrl, seen.id);
    const put2 = await tooOld.next();
    expect(put2.event).toBe('put');
    expect(BigInt(put2.id!)).toBe(latest.revision);
    expect(live(applyEvents(undefined, [put2]))).toEqual(live(latest.data));
  }, 150_000);
});
