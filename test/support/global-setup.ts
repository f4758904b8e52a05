/**
 * Jest globalSetup of the integration project: builds the migrated template database that every
 * test file clones (test-database.ts), and publishes its name through process.env (the workers are
 * started afterwards and inherit it); builds the console when stale.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { deployMigrations } from '../../src/infra/prisma/migrate';
import {
  DEFAULT_TEST_SERVER_URL,
  TEMPLATE_PREFIX,
  adminQuery,
  dropDatabase,
  ledger,
  recordInLedger,
  testDatabaseUrl,
} from './test-database';
import { quoteIdentifier } from '../../src/infra/prisma/database-url';

export default async function globalSetup(): Promise<void> {
  // Random, not the pid: runs on two machines sharing one server must not pick the same names.
  const runId = `${process.pid}x${randomBytes(3).toString('hex')}`;
  process.env.GANTRY_TEST_RUN_ID = runId;
  process.env.GANTRY_TEST_RUN_PID = String(process.pid);
  process.env.GANTRY_TEST_PG_SERVER_URL ??= DEFAULT_TEST_SERVER_URL;
  const template = process.env.GANTRY_TEST_TEMPLATE_DB ?? `${TEMPLATE_PREFIX}${runId}`;
  if (!/test/i.test(template)) {
    // It is dropped and rebuilt: refuse names that could be a real database.
    throw new Error(`GANTRY_TEST_TEMPLATE_DB must contain "test" (got '${template}')`);
  }
  process.env.GANTRY_TEST_TEMPLATE_DB = template;

  const started = Date.now();
  try {
    await dropLeftoversOfDeadRuns();
    await dropDatabase(template);
    recordInLedger(template);
    await adminQuery(`CREATE DATABASE ${quoteIdentifier(template)}`);
    await deployMigrations(testDatabaseUrl(template));
  } catch (error) {
    const { message } = error as Error;
    throw new Error(
      `Cannot build the test template database ${template} on ${process.env.GANTRY_TEST_PG_SERVER_URL}: ${message}`,
      { cause: error },
    );
  }
  if (process.env.GANTRY_TEST_VERBOSE) console.log(`\ntemplate ${template} migrated in ${Date.now() - started} ms`);

  // The Gantry processes serve the console from dist/web: built here once, before any test file runs
  // (two files building it at once would race), and only when web/ changed since (a few stats otherwise).
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'console-build.js')], {
    stdio: 'inherit',
  });
}

/**
 * Databases that earlier jest runs on this machine created and left behind (killed, crashed),
 * read from the ledger: runs still alive, e.g. a second jest in another checkout, are left alone,
 * and nothing this machine did not create is ever touched.
 */
async function dropLeftoversOfDeadRuns(): Promise<void> {
  for (const { name, runPid } of ledger()) {
    if (runPid !== process.pid && !isAlive(runPid)) await dropDatabase(name);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
