/**
 * A Gantry process for one benchmark: started from dist/ on a scratch database (dropped by stop())
 * and its own Redis key prefix (deleted by stop()), listening on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deleteKeysWithPrefix } from '../../src/infra/redis/delete-prefix';
import pg from 'pg';

const SERVER = 'postgresql://postgres@127.0.0.1:5432';

export interface Gantry {
  base: string;
  child: ChildProcess;
  api<T = unknown>(method: string, url: string, body?: unknown): Promise<T>;
  /** Resident set size of the server process, in KiB (VmRSS). */
  rssKiB(): number;
  stop(): Promise<void>;
}

export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Node options that let collectGarbage() below work on a child process. */
export const GC_ON_SIGNAL = ['--expose-gc', '-r', path.join(__dirname, 'gc-on-signal.js')];

/** A full GC in a child started with GC_ON_SIGNAL, then a pause for it to finish and return pages. */
export async function collectGarbage(pid: number): Promise<void> {
  process.kill(pid, 'SIGWINCH');
  await new Promise((r) => setTimeout(r, 1000));
}

export async function startGantry(
  name: string,
  port: number,
  extraEnv: Record<string, string> = {},
  extraNodeArgs: string[] = [],
): Promise<Gantry> {
  const db = `gantry_bench_${name}_${process.pid}`;
  const prefix = `gbench_${name}_${process.pid}`;
  const base = `http://127.0.0.1:${port}`;
  const token = `gnt_bench_${randomBytes(16).toString('hex')}`;
  const root = path.join(__dirname, '..', '..');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...extraNodeArgs, path.join(root, 'dist', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: `${SERVER}/${db}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      GANTRY_ADMIN_TOKEN: token,
      GANTRY_REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${url} -> ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
    await deleteKeysWithPrefix('redis://127.0.0.1:6379', prefix);
  }

  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`gantry exited with code ${child.exitCode}`);
      try {
        if ((await fetch(`${base}/health/ready`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i >= 300) throw new Error('gantry did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const rssKiB = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  };
  return { base, child, api, rssKiB, stop };
}

export interface Variation {
  _id: string;
  value: unknown;
}
export interface FlagView {
  key: string;
  variations: Variation[];
}

/** Creates a project with one environment and returns the environment's server-side SDK key. */
export async function createProject(g: Gantry, key: string, env = 'production'): Promise<string> {
  await g.api('POST', '/api/v1/projects', { key, name: key, environments: [{ key: env, name: env }] });
  const e = await g.api<{ sdkKey: string | null }>('GET', `/api/v1/projects/${key}/environments/${env}`);
  if (!e.sdkKey) throw new Error('the environment has no visible sdkKey');
  return e.sdkKey;
}
