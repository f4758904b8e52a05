/**
 * Redis unreachable (DESIGN §6), with real processes: two Gantry nodes on one database and Redis
 * prefix, node A (role `all`: API, relay and workers) and node B (role `api`), both reaching Redis
 * only through a fault proxy. Each variant breaks Redis the way networks break it: `cut` (connections
 * reset, new ones refused) and `blackhole` (connections stay open, bytes go nowhere: only timeouts
 * notice). While Redis is away:
 * - SDK streams (`/all`), polling (`/sdk/latest-all`), OFREP and SDK events (`/bulk`) keep serving
 *   from the in-memory snapshots, on both nodes;
 * - governance writes commit (flag version, audit entry and outbox row in PostgreSQL), through
 *   either node, and a schedule can still be created;
 * - each change reaches the SDK streams on both nodes (the relaying node applies it to its own
 *   snapshots directly; the other catches up from the outbox by revision);
 * - `/health/ready` does not report Redis ok.
 * When Redis returns: a schedule created before the outage that fell due during it, and one created
 * during it, are each applied exactly once; a staged release's step that fell due during it is taken
 * exactly once; every webhook delivery is sent exactly once; pub/sub carries changes between the
 * nodes again. The two variants run in turn on the same two nodes (one start-up for both).
 *
 * Outcomes only, no timing assertions: waits are bounded by `eventually`, and a request that hung on
 * Redis would fail the test by not answering within that bound.
 */
import { redisFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag } from '../../support/factories';
import { openSse, sseJson, type SseEvent, type SseStream } from '../../support/sse';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

const E = 'production';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for anything on a loaded machine, short enough that a request stuck on Redis fails. */
const PATIENCE = { timeoutMs: 30_000, intervalMs: 200 };

type Node = Pick<GantryNode, 'baseUrl' | 'raw'>;

describe('Redis unreachable, two nodes', () => {
  let redis: FaultProxy;
  let receiver: Receiver;
  let a: Gantry;
  let b: GantryNode;
  let api: ApiClient;
  let apiB: ApiClient;
  let projectKey: string;
  let sdkKey: string;
  const streams: SseStream[] = [];
  const onA = () => streams[0];
  const onB = () => streams[1];

  const open = async (node: Node) => {
    const s = await openSse(node.baseUrl, sdkKey);
    streams.push(s);
    expect(s.status).toBe(200);
    return s;
  };

  const schedule = async (client: ApiClient, flagKey: string, at: number) =>
    ok(
      await client.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey, flagKey, envKey: E } },
        body: { instructions: [{ kind: 'turnFlagOn' }], executionDate: new Date(at).toISOString() },
      }),
    );

  const scheduleStatus = async (flagKey: string, id: string) =>
    ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}', {
        params: { path: { projectKey, flagKey, envKey: E, id } },
      }),
    );

  const ofrep = (node: Node, flagKey: string) =>
    node.raw('POST', `/ofrep/v1/evaluate/flags/${flagKey}`, {
      headers: { authorization: `Bearer ${sdkKey}` },
      body: { context: { targetingKey: 'user-1' } },
    });

  beforeAll(async () => {
    [redis, receiver] = await Promise.all([redisFaultProxy(), startReceiver()]);
    const env = { GANTRY_OUTBOUND_ALLOW: '127.0.0.1', GANTRY_REDIS_COMMAND_TIMEOUT_MS: '1000' };
    a = await startGantry({ role: 'all', redisPort: redis.port, env });
    b = await startSecondNode(a, { role: 'api', redisPort: redis.port, env });
    api = a.client(a.ownerToken);
    apiB = b.client(a.ownerToken);
    // First, so that no node has cached a list of webhooks without it (each caches it for a few seconds).
    ok(
      await api.POST('/api/v1/webhooks', {
        body: { name: 'flag changes', url: receiver.url, events: ['flag.updated'] },
      }),
    );
    projectKey = (await factory.project(api, { environments: [E] })).key;
    sdkKey = await sdkKeyOf(api, projectKey, E);
    // Streams that stay open through both outages.
    await open(a);
    await open(b);
    for (const s of streams) await s.next((e) => e.event === 'put');
  }, 180_000); // two processes start, on a shared machine

  afterAll(async () => {
    for (const s of streams) s.close();
    await redis?.heal();
    await a?.stop(); // stops node B first
    await Promise.all([redis?.close(), receiver?.close()]);
  }, 60_000);

  // The variants run in turn on the same nodes, each with flags of its own.
  describe.each(['cut', 'blackhole'] as const)('Redis %s', (fault) => {
    let live: Flag;
    let early: Flag;
    let late: Flag;
    let earlyScheduleId: string;
    let earlyDue: number;
    let lateScheduleId: string;
    let lateDue: number;
    let liveVersion: number;
    let released: Flag;
    let releaseId: string;
    const release = async () =>
      ok(
        await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
          params: { path: { projectKey, flagKey: released.key, envKey: E, id: releaseId } },
        }),
      );
    const versionsOf = async (flagKey: string) =>
      (
        await a.sql<{ version: number }>(
          `SELECT v."version" FROM "FlagVersion" v JOIN "FlagEnvironment" fe ON fe."id" = v."flagEnvironmentId"
           JOIN "Flag" f ON f."id" = fe."flagId" JOIN "Environment" e ON e."id" = fe."environmentId"
           WHERE f."key" = $1 AND e."key" = $2 ORDER BY v."version"`,
          [flagKey, E],
        )
      ).map((v) => v.version);

    it('while Redis is down, SDK surfaces serve, writes commit and reach the streams of both nodes', async () => {
      [live, early, late] = [
        await factory.flag(api, projectKey),
        await factory.flag(api, projectKey),
        await factory.flag(api, projectKey),
      ];
      released = await factory.flag(api, projectKey, {
        variations: ['old', 'new'],
        defaults: { onVariation: 0, offVariation: 0 },
      });
      for (const stream of [onA(), onB()])
        await stream.next((e) => e.event === 'patch' && sseJson(e).data.key === released.key, PATIENCE.timeoutMs);

      // A staged release takes its first step now; its second falls due while Redis is away.
      releaseId = ok(
        await api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
          params: { path: { projectKey, flagKey: released.key, envKey: E } },
          body: {
            toVariationId: released.variations[1]._id,
            stages: [
              { weight: 50_000, durationMs: 3_000 },
              { weight: 100_000, durationMs: 1_000 },
            ],
          },
        }),
      ).id;
      await eventually(async () => expect((await release()).currentStage).toBe(0), PATIENCE);
      const stepDue = Date.now() + 3_000;
      // Due a moment after Redis goes: its alarm is in Redis, out of the worker's reach until it returns.
      earlyDue = Date.now() + 2_000;
      earlyScheduleId = (await schedule(api, early.key, earlyDue)).id;

      if (fault === 'cut') await redis.cut();
      else redis.blackhole();

      for (const node of [a, b]) {
        const polled = await node.raw('GET', '/sdk/latest-all', { headers: { authorization: sdkKey } });
        expect(polled.status).toBe(200);
        expect(polled.body.flags[live.key]).toMatchObject({ key: live.key, on: false });
        const evaluated = await ofrep(node, live.key);
        expect([evaluated.status, evaluated.body.value]).toEqual([200, false]);
        const events = await node.raw('POST', '/bulk', {
          headers: { authorization: sdkKey },
          body: [{ kind: 'identify', creationDate: Date.now(), context: { kind: 'user', key: 'user-1' } }],
        });
        expect(events.status).toBe(202);
        // A new stream opens and gets the whole environment.
        const fresh = await open(node);
        expect(sseJson(await fresh.next((e) => e.event === 'put')).data.flags[live.key]).toMatchObject({ on: false });
        fresh.close();
      }

      // A governance write through each node commits: version, audit entry and outbox row.
      const turnedOn = await factory.patchFlag(api, projectKey, live.key, {
        environmentKey: E,
        instructions: [{ kind: 'turnFlagOn' }],
      });
      const version = (liveVersion = turnedOn.environments[E].version);
      const targeted = await factory.patchFlag(apiB, projectKey, live.key, {
        environmentKey: E,
        instructions: [{ kind: 'addTargets', values: ['vip'], variationId: live.variations[1]._id }],
      });
      expect(targeted.environments[E].version).toBe(version + 1);
      const outbox = await a.sql(
        `SELECT "version" FROM "OutboxEvent" WHERE "kind" = 'flag' AND "key" = $1 AND "version" >= $2 ORDER BY "version"`,
        [live.key, version],
      );
      expect(outbox.map((r) => r.version)).toEqual([version, version + 1]);
      const audit = await a.sql(
        `SELECT count(*)::int AS n FROM "AuditEntry" WHERE "resource" LIKE $1 AND "currentVersion" >= $2`,
        [`%:flag/${live.key}`, version],
      );
      expect(audit[0].n).toBe(2);

      // Both changes reach the streams on both nodes, in revision order, and both nodes evaluate with them.
      for (const stream of [onA(), onB()]) {
        const ofLive = (e: SseEvent) => e.event === 'patch' && sseJson(e).data.key === live.key;
        const first = await stream.next(ofLive, PATIENCE.timeoutMs);
        const second = await stream.next(ofLive, PATIENCE.timeoutMs);
        expect(sseJson(first).data).toMatchObject({ key: live.key, on: true, version });
        expect(sseJson(second).data).toMatchObject({ key: live.key, version: version + 1 });
        expect(Number(second.id)).toBeGreaterThan(Number(first.id));
      }
      for (const node of [a, b]) {
        await eventually(async () => expect((await ofrep(node, live.key)).body.value).toBe(true), PATIENCE);
      }

      // A schedule can be created while Redis is down (its alarm waits for the sweep).
      lateDue = Date.now() + 500;
      lateScheduleId = (await schedule(apiB, late.key, lateDue)).id;

      // Readiness says Redis is not ok (the status code is the health module's business).
      const ready = await a.raw('GET', '/health/ready');
      expect(ready.body.checks.redis).not.toBe('ok');
      expect(ready.body.checks.postgres).toBe('ok');

      // Let both schedules fall due while Redis is still away; nothing has applied them yet, or if
      // the worker held the early alarm in hand already, it applied it once (checked below).
      while (Date.now() < Math.max(earlyDue, lateDue, stepDue) + 500) await sleep(100);
    }, 120_000);

    it('when it returns, schedules from before and during it apply once, webhooks are sent once, pub/sub works', async () => {
      await redis.heal();

      for (const [flag, id] of [
        [early, earlyScheduleId],
        [late, lateScheduleId],
      ] as const) {
        const done = await eventually(async () => {
          const s = await scheduleStatus(flag.key, id);
          expect(s.status).toBe('applied');
          return s;
        }, PATIENCE);
        expect(done.appliedVersion).toBe(2);
        const applied = await a.sql(
          `SELECT count(*)::int AS n FROM "AuditEntry" WHERE "links"->'scheduledChange'->>'id' = $1`,
          [id],
        );
        expect(applied[0].n).toBe(1);
        expect(await versionsOf(flag.key)).toEqual([1, 2]);
        // Both nodes serve it.
        for (const node of [a, b])
          await eventually(async () => expect((await ofrep(node, flag.key)).body.value).toBe(true), PATIENCE);
      }

      // The release took its second step late, once: one write per stage, then it completed.
      await eventually(async () => expect((await release()).status).toBe('completed'), PATIENCE);
      expect(await versionsOf(released.key)).toEqual([1, 2, 3]);
      for (const node of [a, b])
        await eventually(async () => {
          const polled = await node.raw('GET', '/sdk/latest-all', { headers: { authorization: sdkKey } });
          expect(polled.body.flags[released.key]).toMatchObject({ version: 3, fallthrough: { variation: 1 } });
        }, PATIENCE);

      // Every webhook delivery (the writes during the outage and the schedules' changes) is sent,
      // each exactly once.
      const deliveries = await eventually(async () => {
        const rows = await a.sql<{ id: string; status: string; key: string; version: number }>(
          `SELECT "id", "status"::text, "payload"->>'key' AS "key", ("payload"->>'version')::int AS "version"
           FROM "WebhookDelivery"`,
        );
        const changes = rows.map((r) => `${r.key}@${r.version}`);
        for (const change of [
          `${live.key}@${liveVersion}`,
          `${live.key}@${liveVersion + 1}`,
          `${early.key}@2`,
          `${late.key}@2`,
          `${released.key}@2`,
          `${released.key}@3`,
        ])
          expect(changes.filter((c) => c === change)).toEqual([change]);
        expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
        return rows;
      }, PATIENCE);
      await sleep(500); // a duplicate would arrive right behind the original
      const sent = receiver.received.map((r) => r.headers['x-gantry-delivery']);
      expect([...sent].sort()).toEqual(deliveries.map((d) => d.id).sort());

      // Pub/sub works again: a change through node B reaches both streams (which stayed open throughout).
      await eventually(async () => {
        const res = await b.raw('GET', '/health/ready');
        expect(res.body.checks.redis).toBe('ok');
      }, PATIENCE);
      const off = await factory.patchFlag(apiB, projectKey, live.key, {
        environmentKey: E,
        instructions: [{ kind: 'turnFlagOff' }],
      });
      for (const stream of [onA(), onB()]) {
        const patch = await stream.next(
          (e) => e.event === 'patch' && sseJson(e).data.key === live.key && sseJson(e).data.on === false,
          PATIENCE.timeoutMs,
        );
        expect(sseJson(patch).data.version).toBe(off.environments[E].version);
      }
      // And each node's snapshot is at the environment's revision in PostgreSQL.
      const [{ revision }] = await a.sql(
        `SELECT e."revision"::text FROM "Environment" e JOIN "Project" p ON p."id" = e."projectId" WHERE p."key" = $1 AND e."key" = $2`,
        [projectKey, E],
      );
      for (const node of [a, b]) {
        await eventually(async () => {
          const s = await openSse(node.baseUrl, sdkKey);
          try {
            expect((await s.next((e) => e.event === 'put')).id).toBe(revision);
          } finally {
            s.close();
          }
        }, PATIENCE);
      }
    }, 150_000);
  });
});
