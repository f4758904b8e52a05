/**
 * Evaluation counts against a real PostgreSQL, through InsightsRepository in a Node process of its
 * own (test/support/insights-batches.ts): a batch adds to what is there, and a batch written again
 * under the same id (a flush retried after a commit whose answer was lost) counts once, also when
 * the two writes race. Each batch adds to its minute, hour and day at once.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { runSupportScript } from '../support/support-script';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let sql: pg.Client;
const ENV = randomUUID();
const MINUTE = '2027-01-01T10:05:00.000Z';

const row = (count: number, variation = 0, bucket = MINUTE, environmentId = ENV) => ({
  environmentId,
  flagKey: 'checkout',
  variation,
  sdk: 'NodeJSClient/9.13.7',
  bucket,
  count,
  lastAt: new Date(Date.parse(bucket) + 1_000 * count).toISOString(),
});

type Batch = { id: string; rows: ReturnType<typeof row>[] };

/** Writes the rounds one after the other (the batches of a round concurrently); what each write answered. */
async function write(...rounds: Batch[][]): Promise<boolean[][]> {
  return runSupportScript<boolean[][]>('insights-batches.ts', [db.url, JSON.stringify(rounds)]);
}

const totals = async (period = 'minute', env = ENV) =>
  (
    await sql.query<{ variation: number; count: string }>(
      `SELECT "variation", sum("count")::text AS count FROM "FlagEvaluationCount"
       WHERE "environmentId" = $1 AND "period" = $2 GROUP BY 1 ORDER BY 1`,
      [env, period],
    )
  ).rows.map((r) => [r.variation, Number(r.count)]);

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

it('adds batches up, and counts a batch once however often it is written under its id, even concurrently', async () => {
  const [retried, racing] = [randomUUID(), randomUUID()];
  const answers = await write(
    [{ id: randomUUID(), rows: [row(3), row(2, 1)] }],
    [{ id: randomUUID(), rows: [row(4)] }],
    [{ id: retried, rows: [row(10)] }],
    [{ id: retried, rows: [row(10)] }],
    [
      { id: racing, rows: [row(100)] },
      { id: racing, rows: [row(100)] },
    ],
  );
  expect(answers.map((a) => [...a].sort())).toEqual([[true], [true], [true], [false], [false, true]]);
  // 3 + 4 + 10 + 100 of variation 0, 2 of variation 1: the retried and the raced batch once each.
  for (const period of ['minute', 'hour', 'day'])
    expect(await totals(period)).toEqual([
      [0, 117],
      [1, 2],
    ]);
  const last = await sql.query<{ lastAt: Date }>(
    `SELECT "lastAt" FROM "FlagEvaluationCount" WHERE "environmentId" = $1 AND "variation" = 0 AND "period" = 'minute'`,
    [ENV],
  );
  expect(last.rows[0].lastAt.toISOString()).toBe('2027-01-01T10:06:40.000Z');
});

it('rolls minutes of one batch up into their hours and days (UTC), one row per period', async () => {
  const env = randomUUID();
  await write([
    {
      id: randomUUID(),
      rows: [
        row(1, 0, '2027-01-01T10:05:00.000Z', env),
        row(2, 0, '2027-01-01T10:59:00.000Z', env),
        row(4, 0, '2027-01-01T11:00:00.000Z', env),
        row(8, 0, '2027-01-02T00:00:00.000Z', env),
      ],
    },
  ]);
  const rows = await sql.query<{ period: string; bucket: Date; count: string }>(
    `SELECT "period", "bucket", "count"::text AS count FROM "FlagEvaluationCount"
     WHERE "environmentId" = $1 AND "period" <> 'minute' ORDER BY 1, 2`,
    [env],
  );
  expect(rows.rows.map((r) => [r.period, r.bucket.toISOString(), Number(r.count)])).toEqual([
    ['day', '2027-01-01T00:00:00.000Z', 7],
    ['day', '2027-01-02T00:00:00.000Z', 8],
    ['hour', '2027-01-01T10:00:00.000Z', 3],
    ['hour', '2027-01-01T11:00:00.000Z', 4],
    ['hour', '2027-01-02T00:00:00.000Z', 8],
  ]);
  expect(await totals('minute', env)).toEqual([[0, 15]]);
});
