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

/**
 * The PostgreSQL server the benchmarked processes use. BENCH_DATABASE_SERVER names another, e.g.
 * the local socket (`postgresql://postgres@%2Fvar%2Frun%2Fpostgresql`) to measure what loopback
 * TCP costs each statement.
 */
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';

export interface Gantry {
  base: string;
  child: ChildProcess;
  /** What another node of this deployment needs: the same database, Redis prefix and admin token. */
  env: Record<string, string>;
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

const ROOT = path.join(__dirname, '..', '..');

/** `node dist/main.js` on 127.0.0.1 with warn-level logs; env adds to (or, as undefined, removes from) this process's. */
function spawnNode(env: Record<string, string | undefined>, extraNodeArgs: string[] = []): ChildProcess {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, ...extraNodeArgs, path.join(ROOT, 'dist', 'main.js')], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitReady(child: ChildProcess, base: string): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`gantry exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {
      /* not up yet */
    }
    if (i >= 600) throw new Error(`gantry at ${base} did not become ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A process stop() ends (SIGTERM, then SIGKILL after 15 s); it owns no database or keys of its own. */
export interface GantryNode {
  base: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

function nodeOf(child: ChildProcess, port: number): GantryNode {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * One more process of g's deployment (its database, Redis prefix and admin token) in the given
 * role; an `api` node serves HTTP on port, a `worker` only its health endpoints.
 * g.stop() drops the database: stop the nodes first.
 */
export async function startNode(
  g: Gantry,
  role: 'all' | 'api' | 'worker',
  port: number,
  extraNodeArgs: string[] = [],
): Promise<GantryNode> {
  return ready(nodeOf(spawnNode({ ...g.env, GANTRY_ROLE: role, PORT: String(port) }, extraNodeArgs), port));
}

/**
 * An edge node (GANTRY_ROLE=edge): no database and no Redis, it serves SDKs from what its upstream
 * (an API node, or another edge) streams to it with a relay token; ready once it has a snapshot.
 */
export async function startEdge(
  upstream: string,
  relayToken: string,
  port: number,
  extraNodeArgs: string[] = [],
): Promise<GantryNode> {
  const env = {
    GANTRY_ROLE: 'edge',
    GANTRY_UPSTREAM_URL: upstream,
    GANTRY_RELAY_TOKEN: relayToken,
    PORT: String(port),
    DATABASE_URL: undefined,
    GANTRY_REDIS_PREFIX: undefined,
    REDIS_URL: undefined,
  };
  return ready(nodeOf(spawnNode(env, extraNodeArgs), port));
}

/** The node once it answers ready; stopped if it never does. */
async function ready(node: GantryNode): Promise<GantryNode> {
  try {
    await waitReady(node.child, node.base);
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}

/** True when dist/ has the edge role (GANTRY_ROLE=edge). */
export function edgeBuilt(): boolean {
  try {
    return /['"]edge['"]/.test(fs.readFileSync(path.join(ROOT, 'dist', 'infra', 'config', 'config.js'), 'utf8'));
  } catch {
    return false;
  }
}

/** A relay credential for edges serving every environment of a project (its token is shown once). */
export async function createRelayToken(g: Gantry, project: string): Promise<string> {
  const r = await g.api<{ token: string }>('POST', '/api/v1/relay-credentials', {
    name: 'bench',
    scope: [{ project, environments: ['*'] }],
  });
  return r.token;
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
  const env = {
    DATABASE_URL: `${SERVER}/${db}`,
    GANTRY_ADMIN_TOKEN: token,
    GANTRY_REDIS_PREFIX: prefix,
  };
  const child = spawnNode({ ...env, PORT: String(port), ...extraEnv }, extraNodeArgs);
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
    await waitReady(child, base);
  } catch (e) {
    await stop();
    throw e;
  }

  const rssKiB = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  };
  return { base, child, env, api, rssKiB, stop };
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
