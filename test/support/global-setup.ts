/**
 * Jest globalSetup of the integration project: builds the migrated template database that every
 * test file clones (test-database.ts), and publishes its name through process.env (the workers are
 * started afterwards and inherit it).
 */
import { deployMigrations } from '../../src/infra/prisma/migrate';
import {
  DEFAULT_TEST_SERVER_URL,
  TEMPLATE_PREFIX,
  TEST_DATABASE_PREFIX,
  adminQuery,
  databasesStartingWith,
  dropDatabase,
  testDatabaseUrl,
} from './test-database';
import { quoteIdentifier } from '../../src/infra/prisma/database-url';

export default async function globalSetup(): Promise<void> {
  const runId = String(process.pid);
  process.env.GANTRY_TEST_RUN_ID = runId;
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
    await adminQuery(`CREATE DATABASE ${quoteIdentifier(template)}`);
    await deployMigrations(testDatabaseUrl(template));
  } catch (error) {
    const { message } = error as Error;
    throw new Error(
      `Cannot build the test template database ${template} on ${process.env.GANTRY_TEST_PG_SERVER_URL}: ${message}`,
    );
  }
  if (process.env.GANTRY_TEST_VERBOSE) console.log(`\ntemplate ${template} migrated in ${Date.now() - started} ms`);
}

/**
 * Databases of earlier jest runs on this machine whose process is gone (killed, crashed): their
 * names end in that run's pid. Runs still alive, e.g. a second jest in another terminal, are left alone.
 */
async function dropLeftoversOfDeadRuns(): Promise<void> {
  const names = [
    ...(await databasesStartingWith(TEMPLATE_PREFIX)),
    ...(await databasesStartingWith(TEST_DATABASE_PREFIX)),
  ];
  for (const name of names) {
    const pid = Number(/^gantry_(?:test_template|t)_(\d+)(?:_|$)/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await dropDatabase(name);
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
