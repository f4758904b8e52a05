/**
 * Tables that grow with traffic stay bounded: the hourly retention job deletes published outbox rows,
 * SDK events and evaluation counts (each granularity after its own time) past their retention. A
 * node whose missed changes were pruned reloads its snapshot instead of waiting forever for
 * revisions that no longer exist.
 */
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { openSse } from '../../support/sse';

describe('retention', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;

  beforeAll(async () => {
    gantry = await startGantry({
      env: {
        GANTRY_OUTBOX_RETENTION_HOURS: '1',
        GANTRY_EVENT_RETENTION_DAYS: '1',
        GANTRY_INSIGHTS_RETENTION_DAYS: '1',
        GANTRY_INSIGHTS_HOURLY_RETENTION_DAYS: '5',
        GANTRY_INSIGHTS_DAILY_RETENTION_DAYS: '10',
      },
    });
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: 'ret', environments: ['production'] });
    await factory.flag(api, 'ret', { key: 'f' });
    sdkKey = await sdkKeyOf(api, 'ret', 'production');
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  const evaluate = async () =>
    (
      await gantry.raw('POST', '/ofrep/v1/evaluate/flags/f', {
        headers: { authorization: `Bearer ${sdkKey}` },
        body: { context: { targetingKey: 'u' } },
      })
    ).body;

  it('prunes published outbox rows, SDK events and evaluation counts past their retention, and keeps the rest', async () => {
    await eventually(async () => {
      const [{ n }] = await gantry.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "OutboxEvent" WHERE "publishedAt" IS NULL`,
      );
      expect(n).toBe(0);
    });
    await gantry.sql(`UPDATE "OutboxEvent" SET "createdAt" = now() - interval '2 hours'`);
    await factory.patchFlag(api, 'ret', 'f', { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] });
    const [{ id: envId }] = await gantry.sql<{ id: string }>(
      `SELECT "id"::text AS id FROM "Environment" WHERE "key" = 'production'`,
    );
    await gantry.sql(
      `INSERT INTO "SdkEvent" ("environmentId", "kind", "createdAt", "receivedAt", "payload") VALUES
         ($1::uuid, 'custom', now() - interval '3 days', now() - interval '3 days', '{}'), ($1::uuid, 'custom', now(), now(), '{}')`,
      [envId],
    );
    // Counts 3 and 7 days old in each granularity: minutes keep neither, hours the 3-day-old, days both.
    await gantry.sql(
      `INSERT INTO "FlagEvaluationCount" ("environmentId", "flagKey", "variation", "sdk", "period", "bucket", "count", "lastAt")
       SELECT $1::uuid, 'f', 0, 'sdk', p, now() - d * interval '1 day', 1, now() - d * interval '1 day'
       FROM unnest(ARRAY['minute', 'hour', 'day']) AS p CROSS JOIN unnest(ARRAY[3, 7]) AS d`,
      [envId],
    );

    const redis = new IORedis(process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const queue = new Queue('maintenance', { connection: redis, prefix: `${gantry.redisPrefix}:bull` });
    try {
      await queue.add('maintenance.prune', {});
      await eventually(
        async () => {
          const rows = await gantry.sql<{ version: number }>(`SELECT "version" FROM "OutboxEvent" ORDER BY "revision"`);
          expect(rows.map((r) => r.version)).toEqual([2]); // only the recent change is left
        },
        { timeoutMs: 20_000 },
      );
      // The job prunes the outbox first and SDK events after it: wait for the second step too.
      await eventually(
        async () => expect(await gantry.sql<{ kind: string }>(`SELECT "kind" FROM "SdkEvent"`)).toHaveLength(1),
        { timeoutMs: 20_000 },
      );
      await eventually(
        async () => {
          const left = await gantry.sql<{ period: string; days: number }>(
            `SELECT "period", round(extract(epoch FROM now() - "bucket") / 86400)::int AS days
             FROM "FlagEvaluationCount" WHERE "sdk" = 'sdk' ORDER BY 1, 2`,
          );
          expect(left.map((r) => `${r.period} ${r.days}`)).toEqual(['day 3', 'day 7', 'hour 3']);
        },
        { timeoutMs: 20_000 },
      );
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('reloads a snapshot whose missed changes were pruned, and closes its streams', async () => {
    expect(await evaluate()).toMatchObject({ value: true });
    const stream = await openSse(gantry.baseUrl, sdkKey);
    await stream.next((e) => e.event === 'put');
    // A change this node never heard of, whose outbox row is already gone: configuration and
    // revision move on in PostgreSQL, the outbox has nothing for the revisions in between.
    await gantry.sql(
      `UPDATE "FlagEnvironment" SET "config" = jsonb_set("config", '{on}', 'false'), "version" = "version" + 1`,
    );
    await gantry.sql(`UPDATE "Environment" SET "revision" = "revision" + 5 WHERE "key" = 'production'`);
    await eventually(async () => expect(await evaluate()).toMatchObject({ reason: 'DISABLED', value: false }), {
      timeoutMs: 20_000,
    });
    await stream.ended;
  });
});
