/**
 * The worker verifies the audit chain on its own every GANTRY_AUDIT_VERIFY_MINUTES (here
 * GANTRY_AUDIT_VERIFY_SECONDS=1): each run is logged and counted, the last intact time is exported,
 * an entry altered in PostgreSQL is reported as broken (error log naming the entry, result="broken",
 * no new intact time) until it is put back, and 0 switches the periodic run off.
 */
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { startGantry, startSecondNode, type Gantry } from '../../support/app-harness';
import { eventually, metricValue } from '../../support/delivery';
import { factory } from '../../support/factories';

interface LogLine {
  level: number;
  context?: string;
  result?: string;
  trigger?: string;
  checked?: number;
  firstBrokenId?: string;
  msg: string;
}

const PINO_ERROR = 50;

describe('periodic audit chain verification', () => {
  let gantry: Gantry;
  const startedAt = Date.now() / 1000;

  beforeAll(async () => {
    gantry = await startGantry({ env: { GANTRY_AUDIT_VERIFY_SECONDS: '1', LOG_LEVEL: 'info' } });
    await factory.project(gantry.client(gantry.ownerToken), { key: 'audited', environments: ['production'] });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  const metrics = async () => (await gantry.raw('GET', '/metrics')).text;
  const runs = (text: string, result: string) =>
    metricValue(text, 'gantry_audit_chain_verifications_total', `{result="${result}"}`);
  const verifyLines = (): LogLine[] =>
    gantry
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"context":"audit-verify"'))
      .map((l) => JSON.parse(l) as LogLine);

  it('runs on its own, logs each run and exports the count and the last intact time', async () => {
    const text = await eventually(
      async () => {
        const t = await metrics();
        expect(runs(t, 'ok')).toBeGreaterThanOrEqual(2);
        return t;
      },
      { timeoutMs: 20_000 },
    );
    expect(metricValue(text, 'gantry_audit_chain_verify_interval_seconds')).toBe(1);
    expect(metricValue(text, 'gantry_audit_chain_last_ok_timestamp_seconds')).toBeGreaterThanOrEqual(
      Math.floor(startedAt),
    );
    expect([runs(text, 'broken'), runs(text, 'error')]).toEqual([0, 0]);
    // A run after the test's writes checked every entry (stdout reaches the test on its own schedule).
    const entries = Number((await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"'))[0].n);
    await eventually(() =>
      expect(verifyLines()).toContainEqual(
        expect.objectContaining({ result: 'ok', trigger: 'periodic', checked: entries, msg: expect.any(String) }),
      ),
    );
  });

  it('reports an entry altered in PostgreSQL as broken, with an error log, until it is put back', async () => {
    const [target] = await gantry.sql<{ id: string; comment: string }>(
      `SELECT "id"::text AS id, "comment" FROM "AuditEntry" ORDER BY "id" LIMIT 1`,
    );
    await gantry.sql(`UPDATE "AuditEntry" SET "comment" = 'rewritten' WHERE "id" = $1::bigint`, [target.id]);

    const broken = await eventually(
      async () => {
        const t = await metrics();
        expect(runs(t, 'broken')).toBeGreaterThanOrEqual(1);
        return t;
      },
      { timeoutMs: 20_000 },
    );
    await eventually(() =>
      expect(verifyLines()).toContainEqual(
        expect.objectContaining({
          level: PINO_ERROR,
          result: 'broken',
          trigger: 'periodic',
          firstBrokenId: target.id,
          msg: expect.stringContaining(`broken at entry ${target.id}`),
        }),
      ),
    );
    // Further runs stay broken and the last intact time does not move.
    const lastOk = metricValue(broken, 'gantry_audit_chain_last_ok_timestamp_seconds');
    const later = await eventually(
      async () => {
        const t = await metrics();
        expect(runs(t, 'broken')).toBeGreaterThanOrEqual(runs(broken, 'broken') + 1);
        return t;
      },
      { timeoutMs: 20_000 },
    );
    expect(metricValue(later, 'gantry_audit_chain_last_ok_timestamp_seconds')).toBe(lastOk);

    // Detection is about content: the original back, the next run finds the chain intact again.
    await gantry.sql(`UPDATE "AuditEntry" SET "comment" = $2 WHERE "id" = $1::bigint`, [target.id, target.comment]);
    await eventually(
      async () =>
        expect(metricValue(await metrics(), 'gantry_audit_chain_last_ok_timestamp_seconds')).toBeGreaterThan(lastOk),
      { timeoutMs: 20_000 },
    );
  });

  it('is one scheduler for every worker, removed when a worker starts with GANTRY_AUDIT_VERIFY_MINUTES=0', async () => {
    const redis = new IORedis(process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const queue = new Queue('maintenance', { connection: redis, prefix: `${gantry.redisPrefix}:bull` });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.filter((s) => s.name === 'audit.verify-chain')).toEqual([
        expect.objectContaining({ key: 'audit.verify-chain', every: 1000 }),
      ]);
      await startSecondNode(gantry, { role: 'worker', env: { GANTRY_AUDIT_VERIFY_MINUTES: '0' } });
      await eventually(async () => expect(await queue.getJobScheduler('audit.verify-chain')).toBeUndefined(), {
        timeoutMs: 20_000,
      });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
