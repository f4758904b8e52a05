/** Jest globalTeardown of the integration project: drops the template and this run's test databases. */
import { TEST_DATABASE_PREFIX, databasesStartingWith, dropDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.GANTRY_TEST_RUN_ID;
  const template = process.env.GANTRY_TEST_TEMPLATE_DB;
  if (!runId) return;
  for (const name of await databasesStartingWith(`${TEST_DATABASE_PREFIX}${runId}_`)) await dropDatabase(name);
  if (template) await dropDatabase(template);
}
