/**
 * Runs the `gantry` CLI as a child process, exactly as a user or a CI step does: `bin/gantry.js`
 * with the arguments, a clean environment (no GANTRY_* leaking in from the shell running the tests)
 * and, unless the test names one, a temporary GANTRY_CONFIG_DIR of this test file.
 *
 *   const r = await runCli(['projects', 'list', '--json'], { env: cliEnv(gantry) });
 *   expect(r.code).toBe(0);
 *   expect(r.json().items[0].key).toBe('shop');
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Gantry } from './app-harness';

const BIN = path.join(__dirname, '..', '..', 'bin', 'gantry.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (fails the test with the output when it is not). */
  json(): any;
}

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin, then closed. */
  input?: string;
  cwd?: string;
}

let defaultConfigDir: string | undefined;

/** A fresh, empty config directory (for tests of the profile file). */
export function tempConfigDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-cli-'));
}

/** GANTRY_URL and GANTRY_TOKEN for a started Gantry (the owner's token unless another is given). */
export function cliEnv(gantry: Gantry, token = gantry.ownerToken): Record<string, string> {
  return { GANTRY_URL: gantry.baseUrl, GANTRY_TOKEN: token };
}

export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  defaultConfigDir ??= tempConfigDir();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GANTRY_|NO_COLOR$)/.test(k)));
  const env: NodeJS.ProcessEnv = { ...inherited, GANTRY_CONFIG_DIR: defaultConfigDir };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  return {
    code,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(
          `gantry ${args.join(' ')} printed no single JSON document (exit ${code})\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        );
      }
    },
  };
}
