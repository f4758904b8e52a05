import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

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
