import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from './test-database';

const run = promisify(execFile);

/**
 * Runs a script of test/support in a Node process of its own (Prisma's generated client and Nest's
 * ESM packages load there, not in jest) and returns what it printed on stdout, parsed as JSON.
 */
export async function runSupportScript<T>(script: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [
    '-r',
    path.join(__dirname, 'ts-register-cached.js'),
    path.join(__dirname, script),
    ...args,
  ]);
  return JSON.parse(stdout) as T;
}

/**
 * For a spec whose checks all run in one support script against a fresh test database: registers
 * the beforeAll that creates the database and runs `script` on it, and the afterAll that drops it.
 * `report.out` is the script's JSON once beforeAll has run.
 */
export function checksOnTestDatabase<T>(script: string): { readonly out: T } {
  const report = {} as { out: T };
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    report.out = await runSupportScript<T>(script, [db.url]);
  });
  afterAll(async () => {
    await db?.drop();
  });
  return report;
}
