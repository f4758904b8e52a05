/**
 * One PostgreSQL database per integration test file, cloned from the migrated template that
 * global-setup builds (conventions §11): `CREATE DATABASE ... TEMPLATE` copies files, so a fresh,
 * fully migrated database costs tens of milliseconds instead of a deploy.
 *
 *   const db = await createTestDatabase();   // in beforeAll
 *   ... new PrismaPg({ connectionString: db.url }) ...
 *   await db.drop();                         // in afterAll
 *
 * Every database the harness creates is written down first in a ledger on this machine (one file
 * per database, naming the jest run's pid), so global-teardown, or the next run's global-setup if
 * this one crashed, drops exactly what this machine created and forgot — never a database of
 * another run that shares the server (another machine, container or checkout whose names look alike).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { quoteIdentifier, withDatabase } from '../../src/infra/prisma/database-url';

export interface TestDatabase {
  /** Connection string for the new database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open on it. Safe to call twice. */
  drop(): Promise<void>;
}

export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432';
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
export const TEST_DATABASE_PREFIX = 'gantry_t_';
export const TEMPLATE_PREFIX = 'gantry_test_template_';

/** The server tests create databases on (no database in the path). */
export function testServerUrl(): string {
  return process.env.GANTRY_TEST_PG_SERVER_URL ?? DEFAULT_TEST_SERVER_URL;
}

/** URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  return withDatabase(testServerUrl(), name);
}

/**
 * A new database for this test file: a clone of the migrated template, or with `{ empty: true }`
 * a database with nothing in it (for tests of the migrations themselves).
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const template = process.env.GANTRY_TEST_TEMPLATE_DB;
  const runId = process.env.GANTRY_TEST_RUN_ID;
  if (!template || !runId) {
    throw new Error(
      'No test template database: run integration tests through jest --selectProjects integration (its globalSetup builds it)',
    );
  }
  const name = `${TEST_DATABASE_PREFIX}${runId}_${randomBytes(5).toString('hex')}`;
  recordInLedger(name);
  const sql = options.empty
    ? `CREATE DATABASE ${quoteIdentifier(name)}`
    : `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(sql);
      break;
    } catch (error) {
      // 55006 object_in_use: something briefly holds a session on the template; it clears quickly.
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  return { url: testDatabaseUrl(name), name, drop: () => dropDatabase(name) };
}

/** `DROP DATABASE IF EXISTS ... WITH (FORCE)`: ends the sessions still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  fs.rmSync(ledgerEntry(name), { force: true });
}

/**
 * The ledger: a folder in this machine's temp dir, one file per database created and not yet
 * dropped, holding the pid of the jest run that created it. The pid is meaningful here because the
 * ledger never leaves the machine.
 */
const LEDGER_DIR = path.join(os.tmpdir(), 'gantry-test-databases');
const ledgerEntry = (name: string) => path.join(LEDGER_DIR, name);

/** Written before CREATE DATABASE, so a crash between the two leaves an entry, not an orphan. */
export function recordInLedger(name: string, runPid = Number(process.env.GANTRY_TEST_RUN_PID ?? process.pid)): void {
  fs.mkdirSync(LEDGER_DIR, { recursive: true });
  fs.writeFileSync(ledgerEntry(name), String(runPid));
}

/** Databases this machine's test runs created and have not dropped, with the pid of the run. */
export function ledger(): { name: string; runPid: number }[] {
  if (!fs.existsSync(LEDGER_DIR)) return [];
  return fs.readdirSync(LEDGER_DIR).map((name) => ({
    name,
    runPid: Number(fs.readFileSync(ledgerEntry(name), 'utf8')),
  }));
}

/** One statement on the server's `postgres` maintenance database, on a connection of its own. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: testDatabaseUrl('postgres') });
  await client.connect();
  try {
    return await client.query<R>(sql, params);
  } finally {
    await client.end();
  }
}
