/**
 * Governance write latency (DESIGN §7): semantic PATCH with audit entry and outbox row, at 8
 * concurrent writers, over HTTP against a Gantry process started from dist/ on a scratch database.
 * Prints p50/p90/p99 in ms. Bounded: WRITES_PER_WRITER per writer (default 150), loopback only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const WRITES = Number(process.env.WRITES_PER_WRITER ?? 150);
const PORT = Number(process.env.BENCH_PORT ?? 3390);
const DB = `gantry_bench_${process.pid}`;
const SERVER = 'postgresql://postgres@127.0.0.1:5432';
const base = `http://127.0.0.1:${PORT}`;
const token = `gnt_bench_${randomBytes(16).toString('hex')}`;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url} -> ${res.status} ${await res.text()}`);
  return res.json();
}

async function waitReady() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gantry did not become ready');
}

async function main() {
  const root = path.join(__dirname, '..');
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist', 'main.js')], {
    env: { ...process.env, DATABASE_URL: `${SERVER}/${DB}`, PORT: String(PORT), GANTRY_ADMIN_TOKEN: token, GANTRY_REDIS_PREFIX: `gbench${process.pid}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady();
    await api('POST', '/api/v1/projects', { key: 'bench', name: 'Bench', environments: [{ key: 'production', name: 'Production' }] });
    for (let w = 0; w < WRITERS; w++) await api('POST', '/api/v1/projects/bench/flags', { key: `flag-${w}`, name: `Flag ${w}` });

    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < WRITES; i++) {
          const t0 = performance.now();
          await api('PATCH', `/api/v1/projects/bench/flags/flag-${w}`, {
            environmentKey: 'production',
            instructions: [{ kind: i % 2 === 0 ? 'turnFlagOn' : 'turnFlagOff' }],
            comment: `bench ${i}`,
          });
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const verify = (await api('GET', '/api/v1/audit-log/verify')) as { ok: boolean; checked: number };
    console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
    console.log(`governance PATCH (audit + outbox), ${WRITERS} concurrent writers, ${latencies.length} writes in ${seconds.toFixed(1)} s = ${(latencies.length / seconds).toFixed(0)} writes/s`);
    console.log(`  p50 ${pct(latencies, 50).toFixed(1)} ms   p90 ${pct(latencies, 90).toFixed(1)} ms   p99 ${pct(latencies, 99).toFixed(1)} ms   max ${latencies[latencies.length - 1].toFixed(1)} ms`);
    console.log(`  audit chain after the run: ok=${verify.ok} checked=${verify.checked}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
