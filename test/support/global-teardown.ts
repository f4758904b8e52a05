/** Jest globalTeardown of the integration project: drops the databases this run created (see the ledger). */
import { dropDatabase, ledger } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const runPid = Number(process.env.GANTRY_TEST_RUN_PID);
  if (!runPid) return;
  for (const { name } of ledger().filter((entry) => entry.runPid === runPid)) await dropDatabase(name);
}
