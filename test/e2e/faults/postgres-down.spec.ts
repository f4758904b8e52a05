/**
 * PostgreSQL unreachable (DESIGN §6), with a real Gantry process whose every PostgreSQL connection
 * goes through a fault proxy, in both ways a database goes away: refused (`cut`, a stopped host) and
 * silent (`blackhole`, a partition that only timeouts notice).
 *
 * While it is away:
 * - the SDK surfaces serve from the node's snapshots with keys it already knows: a stream opened
 *   before keeps going and new ones get their put, polling, OFREP single and bulk, and /bulk is
 *   accepted (202; its summary counts are kept in memory and written once PostgreSQL is back);
 * - /health/ready answers 200 `degraded` with the PostgreSQL check failing, and
 *   gantry_dependency_up{dependency="postgres"} is 0;
 * - governance writes answer 503 `unavailable` over REST and GraphQL (token authentication needs the
 *   database too, and answers the same), and writes in flight when it went away were committed
 *   whole or not at all: each flag version has its outbox row and its audit entry, and the audit
 *   chain verifies.
 *
 * When it returns, the same process (no restart) takes writes again, its outbox relay publishes what
 * committed to the streams, a scheduled change that fell due during the outage is applied exactly
 * once (with the cut, after its alarm has used up every retry: the sweep on recovery applies it),
 * a rotated SDK key stops opening its environment, and readiness says ok.
 *
 * Outcomes are asserted, not timings; the short timeouts below only keep the file quick.
 */
import IORedis from 'ioredis';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, metricValue, sdkKeyOf } from '../../support/delivery';
import { factory, ok } from '../../support/factories';
import { postgresFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { auditOf, flagAuditResource } from '../../support/governance';
import { openSse, sseJson, type SseStream } from '../../support/sse';

const PROJECT = 'outage';
const ENV = 'production';
/** Flags written concurrently with the fault: each write commits whole or not at all. */
const IN_FLIGHT = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Readiness {
  status: string;
  ready: boolean;
  checks: Record<string, string>;
}

describe.each(['cut', 'blackhole'] as const)('PostgreSQL unreachable (%s)', (fault) => {
  let pgLink: FaultProxy;
  let g: Gantry;
  let api: ApiClient;
  let sdkKey: string;
  let stream: SseStream | undefined;
  let scheduleId: string;
  let scheduleDue: number;
  let startTime: number;
  const inFlight: { key: string; status: number }[] = [];

  /** The last patch of a flag the stream opened before the outage received (in any order). */
  const patched = (flagKey: string) =>
    stream!.events
      .filter((e) => e.event === 'patch')
      .map((e) => sseJson<{ path: string; data: { on: boolean } }>(e))
      .filter((p) => p.path === `/flags/${flagKey}`)
      .pop();
  const ready = async () => (await g.raw<Readiness>('GET', '/health/ready')).body;
  const metric = async (name: string, labels = '') => metricValue((await g.raw('GET', '/metrics')).text, name, labels);
  const sdk = (method: string, path: string, body?: unknown, key = sdkKey) =>
    g.raw(method, path, { headers: { authorization: key, 'user-agent': 'FaultTest/1.0' }, body });
  const patch = (flagKey: string, kind: 'turnFlagOn' | 'turnFlagOff') =>
    g.raw('PATCH', `/api/v1/projects/${PROJECT}/flags/${flagKey}`, {
      token: g.ownerToken,
      body: { environmentKey: ENV, instructions: [{ kind }] },
    });

  beforeAll(async () => {
    pgLink = await postgresFaultProxy();
    g = await startGantry({
      postgresPort: pgLink.port,
      env: { DATABASE_CONNECT_TIMEOUT_MS: '2000', DATABASE_QUERY_TIMEOUT_MS: '5000' },
    });
    api = g.client(g.ownerToken);
    await factory.project(api, { key: PROJECT, environments: [ENV] });
    for (const key of ['beacon', 'scheduled', ...Array.from({ length: IN_FLIGHT }, (_, i) => `inflight-${i}`)])
      await factory.flag(api, PROJECT, { key });
    await factory.patchFlag(api, PROJECT, 'beacon', { environmentKey: ENV, instructions: [{ kind: 'turnFlagOn' }] });
    sdkKey = await sdkKeyOf(api, PROJECT, ENV);
    await eventually(async () => expect((await ready()).status).toBe('ok'));
    startTime = await metric('gantry_process_start_time_seconds');
    expect(startTime).toBeGreaterThan(0);
  });

  afterAll(async () => {
    stream?.close();
    await g?.stop();
    await pgLink?.close();
  });

  it('keeps serving SDK traffic from snapshots and says degraded', async () => {
    stream = await openSse(g.baseUrl, sdkKey);
    const put = sseJson(await stream.next((e) => e.event === 'put'));
    expect(put.data.flags.beacon.on).toBe(true);

    // Due while PostgreSQL is away: its alarm rings into the outage.
    scheduleDue = Date.now() + 3_000;
    const created = ok(
      await api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey: PROJECT, flagKey: 'scheduled', envKey: ENV } },
        body: { instructions: [{ kind: 'turnFlagOn' }], executionDate: new Date(scheduleDue).toISOString() },
      }),
    );
    scheduleId = created.id;

    // Writes in flight when the database goes away.
    const writes = Array.from({ length: IN_FLIGHT }, (_, i) =>
      patch(`inflight-${i}`, 'turnFlagOn').then((res) => inFlight.push({ key: `inflight-${i}`, status: res.status })),
    );
    await sleep(5);
    if (fault === 'cut') await pgLink.cut();
    else pgLink.blackhole();
    await Promise.all(writes);
    for (const w of inFlight) expect([w.key, [200, 503].includes(w.status)]).toEqual([w.key, true]);

    const degraded = await eventually(
      async () => {
        const r = await g.raw<Readiness>('GET', '/health/ready');
        expect([r.status, r.body.status, r.body.ready]).toEqual([200, 'degraded', true]);
        return r.body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(degraded.checks.postgres).toMatch(/^error/);
    expect(degraded.checks.snapshots).toBe('ok');
    expect(await metric('gantry_dependency_up', '{dependency="postgres"}')).toBe(0);
    expect(await metric('gantry_dependency_up', '{dependency="redis"}')).toBe(1);

    // A new stream gets its put; polling, OFREP single and bulk answer from the snapshot.
    const second = await openSse(g.baseUrl, sdkKey);
    try {
      expect(second.status).toBe(200);
      expect(sseJson(await second.next((e) => e.event === 'put')).data.flags.beacon.on).toBe(true);
    } finally {
      second.close();
    }
    const poll = await sdk('GET', '/sdk/latest-all');
    expect(poll.status).toBe(200);
    expect((poll.body as { flags: Record<string, { on: boolean }> }).flags.beacon.on).toBe(true);
    const context = { context: { targetingKey: 'user-1' } };
    const single = await sdk('POST', '/ofrep/v1/evaluate/flags/beacon', context, `Bearer ${sdkKey}`);
    expect([single.status, (single.body as { value: unknown }).value]).toEqual([200, true]);
    const bulk = await sdk('POST', '/ofrep/v1/evaluate/flags', context, `Bearer ${sdkKey}`);
    expect(bulk.status).toBe(200);
    expect((bulk.body as { flags: { key: string; value: unknown }[] }).flags).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'beacon', value: true })]),
    );
    // Accepted; the summary's counts are written when PostgreSQL is back (checked below).
    const now = Date.now();
    const events = await sdk('POST', '/bulk', [
      {
        kind: 'summary',
        startDate: now - 1000,
        endDate: now,
        features: { beacon: { default: false, counters: [{ variation: 0, value: true, version: 2, count: 7 }] } },
      },
      { kind: 'custom', key: 'checkout', creationDate: now, context: { kind: 'user', key: 'user-1' } },
    ]);
    expect(events.status).toBe(202);
    // An unknown key cannot be checked now, and is not let in.
    expect((await sdk('GET', '/sdk/latest-all', undefined, 'sdk-not-a-key')).status).not.toBe(200);
  });

  it('refuses governance writes with 503 unavailable and writes nothing', async () => {
    const [{ n: versionsBefore }] = await g.sql<{ n: number }>('SELECT count(*)::int AS n FROM "FlagVersion"');
    const [{ n: auditBefore }] = await g.sql<{ n: number }>('SELECT count(*)::int AS n FROM "AuditEntry"');

    const rest = await patch('beacon', 'turnFlagOff');
    expect([rest.status, (rest.body as { code: string }).code]).toEqual([503, 'unavailable']);
    expect(rest.headers.get('retry-after')).toBeTruthy();
    const create = await g.raw('POST', `/api/v1/projects/${PROJECT}/flags`, {
      token: g.ownerToken,
      body: { key: 'born-in-outage', name: 'Born in the outage' },
    });
    expect([create.status, (create.body as { code: string }).code]).toEqual([503, 'unavailable']);
    const gql = await g.raw<{ errors?: { extensions: { code: string } }[] }>('POST', '/graphql', {
      token: g.ownerToken,
      body: {
        query: `mutation { patchFlag(projectKey: "${PROJECT}", flagKey: "beacon", environmentKey: "${ENV}",
          instructions: [{ kind: "turnFlagOff" }]) { key } }`,
      },
    });
    expect(gql.body.errors?.[0]?.extensions.code).toBe('unavailable');

    const [{ n: versionsAfter }] = await g.sql<{ n: number }>('SELECT count(*)::int AS n FROM "FlagVersion"');
    const [{ n: auditAfter }] = await g.sql<{ n: number }>('SELECT count(*)::int AS n FROM "AuditEntry"');
    expect([versionsAfter, auditAfter]).toEqual([versionsBefore, auditBefore]);
    expect(await g.sql(`SELECT 1 FROM "Flag" WHERE key = 'born-in-outage'`)).toEqual([]);
  });

  it('recovers without a restart: writes, relay, the overdue schedule exactly once, readiness ok', async () => {
    // The schedule fell due during the outage.
    await sleep(Math.max(0, scheduleDue + 1_500 - Date.now()));
    if (fault === 'cut') {
      // This outage outlasts every retry of the schedule's alarm: only the sweep when PostgreSQL
      // returns can apply it. (The black hole heals sooner: a retry or the sweep, whichever first.)
      const redis = new IORedis(process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
      try {
        await eventually(async () => expect(await redis.zcard(`${g.redisPrefix}:bull:changes:failed`)).toBe(1), {
          timeoutMs: 40_000,
          intervalMs: 250,
        });
      } finally {
        redis.disconnect();
      }
    }
    expect((await g.sql(`SELECT status FROM "ScheduledChange" WHERE id = $1`, [scheduleId]))[0].status).toBe('pending');
    await pgLink.heal();

    const back = await eventually(
      async () => {
        const r = await g.raw<Readiness>('GET', '/health/ready');
        expect([r.status, r.body.status]).toEqual([200, 'ok']);
        return r.body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(back.checks).toEqual({ postgres: 'ok', redis: 'ok', migrations: 'ok', snapshots: 'ok' });
    expect(await metric('gantry_dependency_up', '{dependency="postgres"}')).toBe(1);

    // Writes commit again, and the relay brings them to the stream opened before the outage.
    const after = await eventually(async () => {
      const res = await patch('beacon', 'turnFlagOff');
      expect(res.status).toBe(200);
      return res;
    });
    expect(after.status).toBe(200);
    await eventually(() => expect(patched('beacon')?.data.on).toBe(false), { timeoutMs: 20_000 });

    // The schedule: applied once, by the sweep on recovery or its job's retry, whichever came first.
    await eventually(
      async () =>
        expect(
          (await g.sql(`SELECT status, "appliedVersion" FROM "ScheduledChange" WHERE id = $1`, [scheduleId]))[0],
        ).toEqual({ status: 'applied', appliedVersion: 2 }),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await eventually(() => expect(patched('scheduled')?.data.on).toBe(true), { timeoutMs: 20_000 });
    const versionsOf = async (flagKey: string, table: 'FlagVersion' | 'OutboxEvent') =>
      (
        await g.sql<{ version: number }>(
          table === 'FlagVersion'
            ? `SELECT v.version FROM "FlagVersion" v JOIN "FlagEnvironment" fe ON fe.id = v."flagEnvironmentId"
                 JOIN "Flag" f ON f.id = fe."flagId" WHERE f.key = $1 ORDER BY v.version`
            : `SELECT version FROM "OutboxEvent" WHERE kind = 'flag' AND key = $1 ORDER BY id`,
          [flagKey],
        )
      ).map((r) => r.version);
    expect(await versionsOf('scheduled', 'FlagVersion')).toEqual([1, 2]);
    expect(await versionsOf('scheduled', 'OutboxEvent')).toEqual([1, 2]);
    const scheduledAudit = await auditOf(api, flagAuditResource(PROJECT, ENV, 'scheduled'));
    expect(scheduledAudit.filter((e) => e.currentVersion === 2)).toHaveLength(1);

    // Writes in flight when it went away: whole or not at all, never half.
    for (const w of inFlight) {
      const versions = await versionsOf(w.key, 'FlagVersion');
      if (w.status === 200) expect([w.key, versions]).toEqual([w.key, [1, 2]]);
      expect([w.key, await versionsOf(w.key, 'OutboxEvent')]).toEqual([w.key, versions]);
      const audit = await auditOf(api, flagAuditResource(PROJECT, ENV, w.key));
      expect([w.key, audit.filter((e) => e.currentVersion === 2).length]).toEqual([w.key, versions.length - 1]);
    }
    expect(ok(await api.GET('/api/v1/audit-log/verify'))).toMatchObject({ ok: true });
    // Everything committed was published.
    await eventually(async () =>
      expect(await g.sql(`SELECT id FROM "OutboxEvent" WHERE "publishedAt" IS NULL`)).toEqual([]),
    );

    // The summary accepted during the outage was counted, not lost.
    await eventually(
      async () =>
        expect(
          await g.sql(
            `SELECT sum(count)::int AS n FROM "FlagEvaluationCount"
              WHERE "flagKey" = 'beacon' AND period = 'minute' AND sdk NOT LIKE 'ofrep%'`,
          ),
        ).toEqual([{ n: 7 }]),
      { timeoutMs: 15_000, intervalMs: 250 },
    );

    // Revocation still holds: a rotated key stops opening the environment.
    ok(
      await api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/rotate-key', {
        params: { path: { projectKey: PROJECT, envKey: ENV } },
        body: { key: 'sdkKey' },
      }),
    );
    await eventually(async () => expect((await sdk('GET', '/sdk/latest-all')).status).toBe(401));
    const rotated = await sdkKeyOf(api, PROJECT, ENV);
    expect((await sdk('GET', '/sdk/latest-all', undefined, rotated)).status).toBe(200);

    // The same process all along.
    expect(await metric('gantry_process_start_time_seconds')).toBe(startTime);
  }, 90_000);
});
