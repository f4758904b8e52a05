/**
 * Evaluation counts against a real PostgreSQL, through InsightsRepository in a Node process of its
 * own (test/support/insights-batches.ts): a batch adds to what is there, and a batch written again
 * under the same id (a flush retried after a commit whose answer was lost) counts once, also when
 * the two writes race.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const run = promisify(execFile);
let db: TestDatabase;
let sql: pg.Client;
const ENV = randomUUID();
const MINUTE = '2027-01-01T10:05:00.000Z';

const row = (count: number, variation = 0) => ({
  environmentId: ENV,
  flagKey: 'checkout',
  variation,
  sdk: 'NodeJSClient/9.13.7',
  bucket: MINUTE,
  count,
  lastAt: new Date(Date.parse(MINUTE) + 1_000 * count).toISOString(),
});

type Batch = { id: string; rows: ReturnType<typeof row>[] };

/** Writes the rounds one after the other (the batches of a round concurrently); what each write answered. */
async function write(...rounds: Batch[][]): Promise<boolean[][]> {
  const support = path.join(__dirname, '..', 'support');
  const { stdout } = await run(process.execPath, [
    '-r',
    path.join(support, 'ts-register-cached.js'),
    path.join(support, 'insights-batches.ts'),
    db.url,
    JSON.stringify(rounds),
  ]);
  return JSON.parse(stdout) as boolean[][];
}

const totals = async () =>
  (
    await sql.query<{ variation: number; count: string }>(
      `SELECT "variation", sum("count")::text AS count FROM "FlagEvaluationCount"
       WHERE "environmentId" = $1 GROUP BY 1 ORDER BY 1`,
      [ENV],
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
  expect(await totals()).toEqual([
    [0, 117],
    [1, 2],
  ]);
  const last = await sql.query<{ lastAt: Date }>(
    `SELECT "lastAt" FROM "FlagEvaluationCount" WHERE "environmentId" = $1 AND "variation" = 0`,
    [ENV],
  );
  expect(last.rows[0].lastAt.toISOString()).toBe('2027-01-01T10:06:40.000Z');
});
