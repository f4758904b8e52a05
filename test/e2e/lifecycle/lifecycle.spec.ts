/**
 * Flag lifecycle end to end, on the real PostgreSQL and Redis: states computed from constructed
 * histories (timestamps moved back in this test's own database), the stale filter and report, the
 * project settings with their bad inputs, `flag.ready_for_cleanup` sent once per transition, and
 * the archival policy run by the worker's sweep: a change request where an environment is gated
 * (once, not every sweep), an automatic archive through the write path where none is.
 */
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, metricValue } from '../../support/delivery';
import { factory } from '../../support/factories';
import { memberWithToken } from '../../support/governance';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

describe('flag lifecycle', () => {
  let g: Gantry;
  let owner: ApiClient;
  let receiver: Receiver;
  let redis: IORedis;
  let maintenance: Queue;

  beforeAll(async () => {
    [g, receiver] = await Promise.all([
      startGantry({ role: 'all', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } }),
      startReceiver(),
    ]);
    owner = g.client(g.ownerToken);
    redis = new IORedis(process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    maintenance = new Queue('maintenance', { connection: redis, prefix: `${g.redisPrefix}:bull` });
  });
  afterAll(async () => {
    await maintenance?.close();
    redis?.disconnect();
    await receiver?.close();
    await g?.stop();
  });

  const api = (method: string, path: string, body?: unknown, token = g.ownerToken) =>
    g.raw(method, path, { token, ...(body !== undefined ? { body } : {}) });

  /** Moves a flag's creation and every version of it `days` into the past. */
  async function age(projectKey: string, flagKey: string, days: number) {
    const params = [projectKey, flagKey, `${days} days`];
    await g.sql(
      `UPDATE "Flag" f SET "createdAt" = now() - $3::interval FROM "Project" p
       WHERE f."projectId" = p."id" AND p."key" = $1 AND f."key" = $2`,
      params,
    );
    await g.sql(
      `UPDATE "FlagVersion" v SET "createdAt" = now() - $3::interval
       FROM "FlagEnvironment" fe, "Flag" f, "Project" p
       WHERE v."flagEnvironmentId" = fe."id" AND fe."flagId" = f."id" AND f."projectId" = p."id"
         AND p."key" = $1 AND f."key" = $2`,
      params,
    );
  }

  /** Records an evaluation `minutesAgo` in the aggregates (its minute, hour and day), as an API node's flush would. */
  async function evaluated(projectKey: string, envKey: string, flagKey: string, minutesAgo = 5) {
    await g.sql(
      `INSERT INTO "FlagEvaluationCount" ("environmentId", "flagKey", "variation", "sdk", "period", "bucket", "count", "lastAt")
       SELECT e."id", $3, 0, 'node-server', p.period,
              date_trunc(p.period, (now() - $4::interval) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 10, now() - $4::interval
       FROM "Environment" e JOIN "Project" pr ON pr."id" = e."projectId"
       CROSS JOIN unnest(ARRAY['minute', 'hour', 'day']) AS p(period)
       WHERE pr."key" = $1 AND e."key" = $2`,
      [projectKey, envKey, flagKey, `${minutesAgo} minutes`],
    );
  }

  const sweep = async () => {
    const job = await maintenance.add('lifecycle.sweep', {});
    await eventually(async () => expect(await job.isCompleted()).toBe(true), { timeoutMs: 20_000 });
  };

  describe('settings', () => {
    it('answers the defaults, stores a PUT, and refuses bad input with a stable code and every problem', async () => {
      await factory.project(owner, { key: 'lc-settings', environments: ['staging'] });
      const path = '/api/v1/projects/lc-settings/lifecycle-settings';
      const defaults = await api('GET', path);
      expect(defaults.status).toBe(200);
      expect(defaults.body).toEqual({
        newDays: 7,
        rolledOutDays: 7,
        staleNotEvaluatedDays: 30,
        staleRolledOutDays: 14,
        stalePastRemovalDate: true,
        staleNoCodeReferences: false,
        archival: { mode: 'off', graceDays: 7 },
        source: 'default',
      });

      const put = await api('PUT', path, { staleRolledOutDays: null, archival: { mode: 'automatic', graceDays: 3 } });
      expect(put.status).toBe(200);
      expect((await api('GET', path)).body).toMatchObject({
        staleRolledOutDays: null,
        staleNotEvaluatedDays: 30,
        archival: { mode: 'automatic', graceDays: 3 },
        source: 'project',
      });

      const bad = await api('PUT', path, { newDays: -1, staleNotEvaluatedDays: 'thirty', archival: { mode: 'never' } });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({
        code: 'lifecycle/invalid_settings',
        errors: [
          { field: 'newDays', reason: 'must be a whole number of days from 0 to 3650' },
          {
            field: 'staleNotEvaluatedDays',
            reason: 'must be a whole number of days from 0 to 3650, or null to switch the rule off',
          },
          { field: 'archival.mode', reason: 'must be one of off, change_request, automatic' },
        ],
      });
      const unknown = await api('PUT', path, { staleAfter: 3 });
      expect(unknown.status).toBe(400);
      expect((unknown.body as { code: string }).code).toBe('request/invalid');
      const notJson = await g.raw('PUT', path, { token: g.ownerToken, body: '{"newDays":' });
      expect(notJson.status).toBe(400);
      // Nothing half-written: the stored settings are the last good PUT.
      expect((await api('GET', path)).body).toMatchObject({
        newDays: 7,
        archival: { mode: 'automatic', graceDays: 3 },
      });

      const reader = await memberWithToken(g, owner, 'reader');
      expect((await api('GET', path, undefined, reader.token)).status).toBe(200);
      const refused = await api('PUT', path, {}, reader.token);
      expect(refused.status).toBe(403);
      expect((refused.body as { code: string }).code).toBe('auth/forbidden');
      expect((await g.raw('PUT', path, { body: {} })).status).toBe(401);
    });
  });

  describe('states, report and the stale filter', () => {
    it('computes new, active, rolled-out and stale from constructed histories', async () => {
      const p = 'lc-report';
      await factory.project(owner, { key: p, environments: ['staging', 'test'] });
      const target = (flag: { variations: { _id: string }[] }) => ({
        kind: 'addTargets',
        variationId: flag.variations[1]._id,
        values: ['qa-user'],
      });
      // fresh: created today, never evaluated → new.
      await factory.flag(owner, p, { key: 'fresh' });
      // busy: 60 days old, on in both environments with a target serving the other variation, evaluated today → active.
      const busy = await factory.flag(owner, p, { key: 'busy' });
      for (const environmentKey of ['staging', 'test'])
        await factory.patchFlag(owner, p, 'busy', {
          environmentKey,
          instructions: [{ kind: 'turnFlagOn' }, target(busy)] as never,
        });
      await age(p, 'busy', 60);
      await evaluated(p, 'staging', 'busy');
      await evaluated(p, 'test', 'busy');
      // rolled: 60 days old, on with no targets (everyone gets the on variation) for 10 days, evaluated today → rolled-out.
      await factory.flag(owner, p, { key: 'rolled' });
      await factory.patchFlag(owner, p, 'rolled', {
        environmentKey: 'staging',
        instructions: [{ kind: 'turnFlagOn' }],
      });
      await factory.patchFlag(owner, p, 'rolled', { environmentKey: 'test', instructions: [{ kind: 'turnFlagOn' }] });
      await age(p, 'rolled', 10);
      await g.sql(`UPDATE "Flag" SET "createdAt" = now() - interval '60 days' WHERE "key" = 'rolled'`);
      await evaluated(p, 'staging', 'rolled');
      await evaluated(p, 'test', 'rolled');
      // forgotten: 60 days old, off since creation (serves the off variation to everyone), never evaluated → stale.
      await factory.flag(owner, p, { key: 'forgotten' });
      await age(p, 'forgotten', 60);

      const report = await api('GET', `/api/v1/projects/${p}/lifecycle/report`);
      expect(report.status).toBe(200);
      const body = report.body as {
        items: {
          flagKey: string;
          state: string;
          reasons: { rule: string; environmentKey?: string }[];
          environments: { environmentKey: string; state: string; lastEvaluatedAt: string | null }[];
        }[];
        totals: Record<string, number>;
      };
      const byKey = Object.fromEntries(body.items.map((i) => [i.flagKey, i]));
      expect(Object.fromEntries(body.items.map((i) => [i.flagKey, i.state]))).toEqual({
        busy: 'active',
        forgotten: 'stale',
        fresh: 'new',
        rolled: 'rolled-out',
      });
      expect(body.totals).toEqual({ new: 1, active: 1, 'rolled-out': 1, stale: 1, archived: 0 });
      expect(byKey.forgotten.reasons.map((r) => `${r.environmentKey}:${r.rule}`)).toEqual([
        'staging:notEvaluated',
        'staging:rolledOut',
        'test:notEvaluated',
        'test:rolledOut',
      ]);
      expect(byKey.rolled.environments.map((e) => e.state)).toEqual(['rolled-out', 'rolled-out']);
      expect(byKey.busy.environments.every((e) => e.lastEvaluatedAt !== null)).toBe(true);
      expect(byKey.forgotten.environments.map((e) => e.lastEvaluatedAt)).toEqual([null, null]);

      const stale = await api('GET', `/api/v1/projects/${p}/flags?lifecycle=stale`);
      expect(stale.status).toBe(200);
      expect(
        (stale.body as { items: { key: string; lifecycle: string }[] }).items.map((i) => [i.key, i.lifecycle]),
      ).toEqual([['forgotten', 'stale']]);
      const onlyStale = await api('GET', `/api/v1/projects/${p}/lifecycle/report?state=stale`);
      expect((onlyStale.body as { items: { flagKey: string }[] }).items.map((i) => i.flagKey)).toEqual(['forgotten']);
      const badFilter = await api('GET', `/api/v1/projects/${p}/flags?lifecycle=old`);
      expect(badFilter.status).toBe(400);
      expect((badFilter.body as { code: string }).code).toBe('request/invalid');
      const badState = await api('GET', `/api/v1/projects/${p}/lifecycle/report?state=old`);
      expect(badState.status).toBe(400);
    });
  });

  describe('archival policy (worker sweep)', () => {
    it('opens one archival change request in a gated environment, notifies once, and archives where nothing is gated', async () => {
      const hook = await api('POST', '/api/v1/webhooks', {
        name: 'cleanup',
        url: receiver.url,
        events: ['flag.ready_for_cleanup'],
      });
      expect(hook.status).toBe(201);
      // Gated: production is critical, so it requires approval by default.
      await factory.project(owner, {
        key: 'lc-gated',
        environments: ['staging', { key: 'production', name: 'Production', critical: true }],
      });
      // Not gated: one ordinary environment.
      await factory.project(owner, { key: 'lc-auto', environments: ['staging'] });
      // change_request mode where nothing is gated: a request nobody needs to review, to be applied by a person.
      await factory.project(owner, { key: 'lc-propose', environments: ['staging'] });
      for (const p of ['lc-gated', 'lc-auto', 'lc-propose']) {
        await factory.flag(owner, p, { key: 'old-banner' });
        await age(p, 'old-banner', 60);
        await factory.flag(owner, p, { key: 'in-use' });
        const put = await api('PUT', `/api/v1/projects/${p}/lifecycle-settings`, {
          archival: { mode: p === 'lc-propose' ? 'change_request' : 'automatic', graceDays: 0 },
        });
        expect(put.status).toBe(200);
      }

      await sweep();

      // Gated project: a change request to archive, in production, opened by Gantry; the flag is not archived.
      const crs = await g.sql<{
        id: string;
        environmentKey: string;
        instructions: unknown;
        requester: { kind: string; name: string };
      }>(
        `SELECT cr."id"::text AS id, e."key" AS "environmentKey", cr."instructions", cr."requester"
         FROM "ChangeRequest" cr JOIN "Environment" e ON e."id" = cr."environmentId" JOIN "Project" p ON p."id" = cr."projectId"
         WHERE p."key" = 'lc-gated' AND cr."resourceKey" = 'old-banner'`,
      );
      expect(crs.map((c) => [c.environmentKey, c.instructions, c.requester.kind])).toEqual([
        ['production', [{ kind: 'archiveFlag' }], 'system'],
      ]);
      expect(crs[0].requester.name).toBe('lifecycle archival policy of project lc-gated');
      const gated = await api('GET', '/api/v1/projects/lc-gated/flags/old-banner');
      expect((gated.body as { archived: boolean }).archived).toBe(false);

      const proposed = await g.sql<{ environmentKey: string; status: string }>(
        `SELECT e."key" AS "environmentKey", cr."status" FROM "ChangeRequest" cr
         JOIN "Environment" e ON e."id" = cr."environmentId" JOIN "Project" p ON p."id" = cr."projectId"
         WHERE p."key" = 'lc-propose' AND cr."resourceKey" = 'old-banner'`,
      );
      expect(proposed).toEqual([{ environmentKey: 'staging', status: 'approved' }]);
      expect(
        ((await api('GET', '/api/v1/projects/lc-propose/flags/old-banner')).body as { archived: boolean }).archived,
      ).toBe(false);

      // Not gated: archived through the write path, audited as Gantry's automation.
      const auto = await api('GET', '/api/v1/projects/lc-auto/flags/old-banner');
      expect((auto.body as { archived: boolean }).archived).toBe(true);
      const audit = await g.sql<{ actor: { kind: string; name: string }; comment: string }>(
        `SELECT "actor", "comment" FROM "AuditEntry" WHERE "resource" LIKE 'proj/lc-auto%flag/old-banner%'
         AND "action" = 'archiveFlag' ORDER BY "id"`,
      );
      expect(audit.map((a) => a.actor)).toMatchObject([
        { kind: 'system', name: 'lifecycle archival policy of project lc-auto' },
      ]);
      expect(audit[0].comment).toMatch(/^archived by the lifecycle policy: /);
      // The fresh flag is left alone in both projects.
      expect(((await api('GET', '/api/v1/projects/lc-auto/flags/in-use')).body as { archived: boolean }).archived).toBe(
        false,
      );

      // One webhook per flag that became stale (lc-report's forgotten flag, of the test above, too).
      await eventually(() => expect(receiver.received).toHaveLength(4), { timeoutMs: 15_000 });
      const events = receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
      const payloads = events.map(
        (e) => (e.data ?? e.payload ?? e) as { projectKey: string; flagKey: string; state: string },
      );
      expect(payloads.map((p) => `${p.projectKey}/${p.flagKey}:${p.state}`).sort()).toEqual([
        'lc-auto/old-banner:stale',
        'lc-gated/old-banner:stale',
        'lc-propose/old-banner:stale',
        'lc-report/forgotten:stale',
      ]);

      // A second sweep: no new change request, no new webhook (once per transition).
      await sweep();
      const again = await g.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "ChangeRequest" WHERE "resourceKey" = 'old-banner'`,
      );
      expect(again[0].n).toBe(2); // lc-gated's and lc-propose's, each opened once
      // Deliveries are rows written by the sweep itself, so the finished job has written all it will.
      const deliveries = await g.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "event" = 'flag.ready_for_cleanup'`,
      );
      expect(deliveries[0].n).toBe(4);
      // The gauge an operator watches: flags per state per project, at the last sweep.
      const metrics = (await g.raw<string>('GET', '/metrics')).text;
      expect(metricValue(metrics, 'gantry_lifecycle_flags', '{project="lc-auto",state="archived"}')).toBe(1);
      expect(metricValue(metrics, 'gantry_lifecycle_flags', '{project="lc-gated",state="stale"}')).toBe(1);
      expect(metricValue(metrics, 'gantry_lifecycle_flags', '{project="lc-gated",state="new"}')).toBe(1);
      const statuses = await g.sql<{ key: string; state: string }>(
        `SELECT p."key" || '/' || f."key" AS key, s."state" FROM "FlagLifecycleStatus" s
         JOIN "Flag" f ON f."id" = s."flagId" JOIN "Project" p ON p."id" = f."projectId"
         WHERE p."key" IN ('lc-gated', 'lc-auto', 'lc-propose') ORDER BY 1`,
      );
      expect(statuses).toEqual([
        { key: 'lc-auto/in-use', state: 'new' },
        { key: 'lc-auto/old-banner', state: 'archived' },
        { key: 'lc-gated/in-use', state: 'new' },
        { key: 'lc-gated/old-banner', state: 'stale' },
        { key: 'lc-propose/in-use', state: 'new' },
        { key: 'lc-propose/old-banner', state: 'stale' },
      ]);
    });
  });
});
