/**
 * gantry_outbox_backlog_age_seconds (GantryOutboxBacklogOld): 0 while relays keep up, the age of the
 * oldest row no relay could claim, and NaN (unknown) rather than a hung /metrics when PostgreSQL
 * does not answer; gantry_ready follows /health/ready.
 */
import pg from 'pg';
import { startGantry, type Gantry } from '../../support/app-harness';
import { eventually, metricValue } from '../../support/delivery';
import { postgresFaultProxy, type FaultProxy } from '../../support/fault-proxy';

const AGE = 'gantry_outbox_backlog_age_seconds';

/** A sample's value as written, NaN included (metricValue reads an absent sample as 0). */
function sample(text: string, name: string): string | undefined {
  return new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
}

describe('outbox backlog age', () => {
  let gantry: Gantry;
  let locker: pg.Client;

  beforeAll(async () => {
    gantry = await startGantry();
    locker = new pg.Client({ connectionString: gantry.db.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await gantry?.stop();
  });

  const metrics = async () => (await gantry.raw('GET', '/metrics')).text;

  it('is 0 while relays keep up, the age of a row no relay can claim, and 0 again once it is published', async () => {
    await eventually(async () => expect(sample(await metrics(), AGE)).toBe('0'));

    // A row written 10 minutes ago and held by this test's transaction: relays claim with SKIP
    // LOCKED, so they pass it by, as they would if none were running. (A relay may claim it between
    // the insert and the lock: then try another.)
    let held = false;
    for (let attempt = 0; attempt < 20 && !held; attempt++) {
      const [row] = await gantry.sql<{ id: string }>(
        `INSERT INTO "OutboxEvent" ("environmentId", "revision", "kind", "key", "version", "payload", "createdAt")
         VALUES (gen_random_uuid(), 1, 'flag', 'held', 1, '{}'::jsonb, now() - interval '10 minutes')
         RETURNING "id"::text AS id`,
      );
      await locker.query('BEGIN');
      const locked = await locker.query(`SELECT "publishedAt" FROM "OutboxEvent" WHERE "id" = $1::bigint FOR UPDATE`, [
        row.id,
      ]);
      held = locked.rows[0].publishedAt === null;
      if (!held) await locker.query('ROLLBACK');
    }
    expect(held).toBe(true);

    const age = metricValue(await metrics(), AGE);
    expect(age).toBeGreaterThanOrEqual(590);
    expect(age).toBeLessThan(3600);

    await locker.query('COMMIT');
    await eventually(async () => expect(sample(await metrics(), AGE)).toBe('0'));
  });
});

describe('metrics while PostgreSQL does not answer', () => {
  let gantry: Gantry;
  let link: FaultProxy;

  beforeAll(async () => {
    link = await postgresFaultProxy();
    gantry = await startGantry({ postgresPort: link.port });
  });

  afterAll(async () => {
    await link?.heal();
    await gantry?.stop();
    await link?.close();
  });

  // A node with PostgreSQL away still serves SDK traffic from its snapshots: /health/ready says
  // degraded, not down, so gantry_ready stays 1 and gantry_dependency_up names the store.
  it('still answers /metrics: the backlog age unknown (NaN), PostgreSQL down, the process degraded but ready', async () => {
    const ready = await gantry.raw('GET', '/metrics');
    expect([sample(ready.text, AGE), sample(ready.text, 'gantry_ready')]).toEqual(['0', '1']);

    link.blackhole();
    const text = await eventually(
      async () => {
        const res = await gantry.raw('GET', '/metrics');
        expect(res.status).toBe(200);
        expect(metricValue(res.text, 'gantry_dependency_up', '{dependency="postgres"}')).toBe(0);
        return res.text;
      },
      { timeoutMs: 20_000 },
    );
    expect(sample(text, 'gantry_ready')).toBe('1');
    // prom-client writes `Nan`; Prometheus parses NaN in any case.
    expect(sample(text, AGE)).toMatch(/^nan$/i);
  });
});
