/**
 * Boots Gantry for an e2e test file over real PostgreSQL and Redis (conventions §11): its own
 * database cloned from the migrated template, its own Redis key prefix, and the real binary
 * (`src/main.ts`) in a child process on a free port, so the first start is the one an operator
 * sees: migrations checked, the owner token generated and printed once on stdout.
 *
 *   let gantry: Gantry;
 *   beforeAll(async () => { gantry = await startGantry(); });
 *   afterAll(async () => { await gantry?.stop(); });
 *
 *   const api = gantry.client(gantry.ownerToken);          // openapi-fetch, typed by openapi/schema.d.ts
 *   const { data, error, response } = await api.GET('/api/v1/me');
 *
 * Why a process and not `createApp()` in the jest worker: NestJS 12 ships as ES modules only, which
 * jest's CommonJS runtime cannot load on Node 20 (plain Node can: it supports require(esm)). Over
 * HTTP the test cannot tell the difference, and the binary is exactly what is deployed.
 *
 * `raw()` is for what a typed client cannot send (malformed JSON, 10 MB bodies, wrong types).
 * `startSecondNode(gantry)` starts another process on the same database and Redis prefix (scale-out).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import createClient, { type Client } from 'openapi-fetch';
import pg from 'pg';
import type { paths } from '../../openapi/schema';
import { deleteKeysWithPrefix } from '../../src/infra/redis/delete-prefix';
import { createTestDatabase, DEFAULT_TEST_REDIS_URL, type TestDatabase } from './test-database';

export type ApiClient = Client<paths>;

export interface StartOptions {
  /** GANTRY_ROLE; default `all` (API and workers in one process, as deployed by default). */
  role?: 'all' | 'api' | 'worker' | 'edge';
  /** Extra environment variables for the process (e.g. GANTRY_BODY_LIMIT). */
  env?: Record<string, string>;
  /** Reach PostgreSQL through this loopback port (a fault proxy's, support/fault-proxy.ts). */
  postgresPort?: number;
  /** Reach Redis through this loopback port (a fault proxy's). */
  redisPort?: number;
}

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON (including problem+json), otherwise the text. */
  body: T;
  text: string;
}

export interface RawRequest {
  /** Access token; omit for an unauthenticated request. */
  token?: string;
  /** A string is sent as is (for malformed JSON); anything else is JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Gantry {
  baseUrl: string;
  /** The owner access token the first start generated and printed on stdout. */
  ownerToken: string;
  /** Everything the process wrote on stdout so far (JSON log lines and the owner token block). */
  stdout(): string;
  /** Everything the process wrote on stderr so far (Node's own warnings land here). */
  stderr(): string;
  db: TestDatabase;
  redisPrefix: string;
  /** A typed client authenticating with `token` (none: no Authorization header). */
  client(token?: string): ApiClient;
  /** One untyped HTTP request; see RawRequest. */
  raw<T = any>(method: string, path: string, request?: RawRequest): Promise<RawResponse<T>>;
  /** One SQL statement on this test's database (for assertions on what was written, and tampering). */
  sql<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<R[]>;
  /** Stops the process, drops the database, deletes this test's Redis keys. Safe to call twice. */
  stop(): Promise<void>;
}

// jest ignores `testTimeout` in a project's config, so hooks would get 5 s; starting the app takes a few.
jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const REDIS_URL = process.env.GANTRY_TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
/** The bootstrap prints the token alone on an indented line after this heading. */
const OWNER_TOKEN = /owner access token[^\n]*\n\s+(\S{20,})\s*\n/;
const BOOT_TIMEOUT_MS = 45_000;

export async function startGantry(options: StartOptions = {}): Promise<Gantry> {
  const db = await createTestDatabase();
  const redisPrefix = `gtest_${randomBytes(6).toString('hex')}`;
  let proc: SpawnedGantry | undefined;
  let sqlClient: pg.Client | undefined;
  let stopped = false;
  /** The further nodes started on this one's database (startSecondNode): they stop first. */
  const attached: AttachedNode[] = [];

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(attached.map((node) => node.stop().catch(() => undefined)));
    if (proc) await terminate(proc.child);
    await sqlClient?.end().catch(() => undefined);
    await deleteKeysWithPrefix(REDIS_URL, redisPrefix);
    await db.drop();
    failOnNestedConnections([proc?.stdout() ?? '', ...attached.map((node) => node.stdout())]);
  };

  try {
    proc = await spawnGantry(db.url, redisPrefix, options);
    const out = proc.stdout;
    const ownerToken = OWNER_TOKEN.exec(out())?.[1];
    if (!ownerToken) throw new Error(`gantry printed no owner token on its first start; stdout:\n${out()}`);

    sqlClient = new pg.Client({ connectionString: db.url });
    await sqlClient.connect();
    const sql = sqlClient;
    const { baseUrl } = proc;

    const gantry: Gantry = {
      baseUrl,
      ownerToken,
      stdout: out,
      stderr: proc.stderr,
      db,
      redisPrefix,
      client: (token?: string) =>
        createClient<paths>({ baseUrl, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }),
      raw: (method, p, request) => rawRequest(baseUrl, method, p, request),
      sql: async (text, params) => (await sql.query(text, params)).rows,
      stop,
    };
    attachedStops.set(gantry, attached);
    return gantry;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One more Gantry process, started by startSecondNode on another node's database and Redis prefix. */
export interface GantryNode {
  baseUrl: string;
  /** Everything this process wrote on stdout so far. */
  stdout(): string;
  client(token?: string): ApiClient;
  raw<T = any>(method: string, path: string, request?: RawRequest): Promise<RawResponse<T>>;
  /** Stops this process only (the first node's stop() also stops it). Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-work, with no shutdown hooks (crash tests). */
  kill(): Promise<void>;
}

interface AttachedNode {
  stop(): Promise<void>;
  stdout(): string;
}

const attachedStops = new WeakMap<Gantry, AttachedNode[]>();

/** What PrismaService logs when code inside a transaction asks the pool for a connection (nested-connections.ts). */
const NESTED_CONNECTION = /a pool connection was asked for inside a transaction[^\n"]*/g;

/**
 * Every test process runs with DATABASE_NESTED_CONNECTIONS=refuse, so such an ask fails its request;
 * one in background work (a job, a timer) may fail quietly, so the processes' logs are read once
 * they stopped, and any ask fails the test file with where it was made.
 */
function failOnNestedConnections(outputs: string[]): void {
  const asks = outputs.flatMap((out) => out.match(NESTED_CONNECTION) ?? []);
  if (asks.length) throw new Error(`asked the pool for a connection inside a transaction:\n${asks.join('\n')}`);
}

/**
 * A second process of the same deployment: same database, same Redis prefix, its own port, as
 * when Gantry is scaled out behind a load balancer. The owner token already exists, so this
 * process prints none. Default role `api`. Stopped by its own stop() or by `first.stop()`.
 */
export async function startSecondNode(first: Gantry, options: StartOptions = {}): Promise<GantryNode> {
  const attached = attachedStops.get(first);
  if (!attached) throw new Error('startSecondNode needs a Gantry started by startGantry');
  const proc = await spawnGantry(first.db.url, first.redisPrefix, { role: 'api', ...options });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(proc.child);
  };
  attached.push({ stop, stdout: proc.stdout });
  const { baseUrl } = proc;
  return {
    baseUrl,
    stdout: proc.stdout,
    client: (token?: string) =>
      createClient<paths>({ baseUrl, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }),
    raw: (method, p, request) => rawRequest(baseUrl, method, p, request),
    stop,
    kill: async () => {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((resolve) => proc.child.once('exit', resolve));
      proc.child.kill('SIGKILL');
      await exited;
    },
  };
}

interface SpawnedGantry {
  child: ChildProcess;
  baseUrl: string;
  stdout(): string;
  stderr(): string;
}

/** Starts `src/main.ts` on a free port and waits until it is live; kills it if it does not get there. */
async function spawnGantry(databaseUrl: string, redisPrefix: string, options: StartOptions): Promise<SpawnedGantry> {
  // The port is free when chosen but could be taken before the process binds it: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    let out = '';
    let err = '';
    const proc = spawn(
      process.execPath,
      [
        '-r',
        path.join(__dirname, 'exit-with-parent.js'),
        '-r',
        path.join(__dirname, 'ts-register-cached.js'),
        path.join(ROOT, 'src', 'main.ts'),
      ],
      { cwd: ROOT, env: processEnv(databaseUrl, redisPrefix, port, options), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<'exited'>((resolve) => proc.once('exit', () => resolve('exited')));
    let outcome: 'live' | 'exited';
    try {
      outcome = await Promise.race([
        waitUntilLive(baseUrl, () => proc.exitCode !== null || proc.signalCode !== null),
        exited,
      ]);
    } catch (error) {
      await terminate(proc);
      throw error;
    }
    if (outcome === 'live') return { child: proc, baseUrl, stdout: () => out, stderr: () => err };
    if (attempt < 3 && /EADDRINUSE/.test(out + err)) continue;
    throw new Error(
      `gantry exited during start (code ${proc.exitCode}, signal ${proc.signalCode})\nstdout:\n${out}\nstderr:\n${err}`,
    );
  }
}

/** A clean environment: nothing GANTRY_* or DATABASE_* leaks in from the shell running the tests. */
function processEnv(databaseUrl: string, redisPrefix: string, port: number, options: StartOptions): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(GANTRY_|DATABASE_|REDIS_|PORT$|HOST$|LOG_LEVEL$)/.test(k)),
  );
  const stores =
    options.role === 'edge'
      ? {}
      : {
          DATABASE_URL: throughPort(databaseUrl, options.postgresPort),
          REDIS_URL: throughPort(REDIS_URL, options.redisPort),
        };
  return {
    ...inherited,
    NODE_ENV: 'test',
    ...stores,
    GANTRY_REDIS_PREFIX: redisPrefix,
    GANTRY_ROLE: options.role ?? 'all',
    LOG_LEVEL: process.env.GANTRY_TEST_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_POOL_SIZE: '5',
    // A transaction asking the pool for a second connection is a defect: make it fail here (failOnNestedConnections).
    DATABASE_NESTED_CONNECTIONS: 'refuse',
    // Evaluation counts written within a test's patience rather than every 10 s.
    GANTRY_INSIGHTS_FLUSH_MS: '250',
    ...options.env,
  };
}

/** `url` with its host and port replaced by loopback `port` (the process then talks through a proxy). */
function throughPort(url: string, port: number | undefined): string {
  if (port === undefined) return url;
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

/** An edge node (GANTRY_ROLE=edge) fed by `upstreamUrl`, with no database or Redis address at all. */
export async function startEdge(first: Gantry, upstreamUrl: string, relayToken: string): Promise<GantryNode> {
  return startSecondNode(first, {
    role: 'edge',
    env: { GANTRY_UPSTREAM_URL: upstreamUrl, GANTRY_RELAY_TOKEN: relayToken },
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls /health/live; gives up when the process has died (the caller reports why) or after BOOT_TIMEOUT_MS. */
async function waitUntilLive(baseUrl: string, died: () => boolean): Promise<'live' | 'exited'> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/health/live`);
      if (res.status === 200) return 'live';
    } catch {
      // not listening yet
    }
    if (died()) return 'exited';
    if (Date.now() > deadline) throw new Error(`gantry did not answer /health/live within ${BOOT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM (graceful: Nest closes the app), SIGKILL if it has not exited after a while. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * node:http rather than fetch: a server may answer (413) and close before it has read a large body,
 * and fetch then reports the broken pipe instead of the response, which is what the test wants.
 */
async function rawRequest<T>(
  baseUrl: string,
  method: string,
  path: string,
  request: RawRequest = {},
): Promise<RawResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: Buffer | undefined;
  if (request.body !== undefined) {
    body = Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(`${baseUrl}${path}`, { method, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
            responseHeaders.append(name, v);
        }
        const isJson = /json/.test(res.headers['content-type'] ?? '');
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          body: (isJson && text ? JSON.parse(text) : text) as T,
          text,
        });
      });
    });
    // After the response has arrived, a write error only means the server stopped reading early.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    void writeInChunks(req, body, () => answered);
  });
}

/**
 * A server that refuses a body (413) answers and closes the connection; a client still writing
 * then gets EPIPE and loses the answer it was sent. So small bodies go at once, and large ones
 * only after the headers had a moment to draw an early answer, then in chunks, stopping as soon as
 * the response is in.
 */
async function writeInChunks(
  req: http.ClientRequest,
  body: Buffer | undefined,
  answered: () => boolean,
): Promise<void> {
  const CHUNK = 64 * 1024;
  if (!body || body.length <= CHUNK) {
    req.end(body);
    return;
  }
  req.flushHeaders();
  const closed = new Promise<void>((resolve) => req.once('close', resolve));
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 200))]);
  for (let i = 0; i < body.length && !answered() && !req.destroyed; i += CHUNK) {
    if (!req.write(body.subarray(i, i + CHUNK)))
      await Promise.race([closed, new Promise((resolve) => req.once('drain', resolve))]);
  }
  if (!req.destroyed) req.end();
}
