/**
 * Release plan steps with one worker process and with two (GANTRY_ROLE=worker ×W beside one
 * GANTRY_ROLE=api process, one PostgreSQL, one Redis). For each W in BENCH_WORKERS, a fresh
 * database gets R flags (BENCH_PLAN_RUNS) and a plan of PHASES immediate phases, each with
 * trigger `previous`, a soak of SOAK_MS and turnFlagOn; every flag starts through it. A step is a
 * phase start (a write through the one write path); a phase after the first is due when the soak
 * of the one before ends. Reported: phase starts per second over the busy window, and lateness =
 * startedAt − (the previous phase's start + SOAK_MS). A run is looked at once per PIPELINE_TICK_MS (1 s),
 * so lateness up to ~1 s is the tick, not a backlog; a backlog shows as lateness growing past it and
 * as fewer steps per second than offered (R / (SOAK_MS + tick)). Bounded; loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pct, startGantry, type FlagView, type Gantry } from './lib/gantry';
import { pool, sleep } from './schedules';

const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));

const WORKERS = (process.env.BENCH_WORKERS ?? '1,2')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const RUNS = Number(process.env.BENCH_PLAN_RUNS ?? 200);
const PHASES = Number(process.env.BENCH_PLAN_PHASES ?? 10);
const SOAK_MS = 1_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PORT = Number(process.env.BENCH_PORT ?? 3396);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 180_000);
const PROJECT = 'bench';
const ENVS = Array.from({ length: PHASES }, (_, i) => `e${i + 1}`);

/** One more process on the round's database and Redis prefix, doing worker jobs only. */
function startWorker(name: string, port: number): { child: ChildProcess; stop: () => Promise<void> } {
  const root = path.join(__dirname, '..');
  const child = spawn(process.execPath, [path.join(root, 'dist', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/gantry_bench_${name}_${process.pid}`,
      GANTRY_REDIS_PREFIX: `gbench_${name}_${process.pid}`,
      GANTRY_ROLE: 'worker',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
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

interface PhaseRow {
  startedAt?: string;
  status: string;
}

async function round(workers: number) {
  const name = `plan${workers}w`;
  const g: Gantry = await startGantry(name, PORT, { GANTRY_ROLE: 'api' });
  const procs = Array.from({ length: workers }, (_, i) => startWorker(name, PORT + 1 + i));
  const db = new pg.Client({
    connectionString: `postgresql://postgres@127.0.0.1:5432/gantry_bench_${name}_${process.pid}`,
  });
  try {
    await db.connect();
    await g.api('POST', '/api/v1/projects', {
      key: PROJECT,
      name: 'Bench',
      environments: ENVS.map((key) => ({ key, name: key })),
    });
    await g.api('POST', `/api/v1/projects/${PROJECT}/release-plans`, {
      key: 'bench',
      name: 'Bench',
      default: true,
      phases: ENVS.map((environmentKey) => ({
        environmentKey,
        strategy: { kind: 'immediate' },
        soakMs: SOAK_MS,
        turnFlagOn: true,
      })),
    });
    const flags: FlagView[] = new Array(RUNS);
    await pool(RUNS, CONCURRENCY, async (i) => {
      flags[i] = await g.api<FlagView>('POST', `/api/v1/projects/${PROJECT}/flags`, { key: `f-${i}`, name: `f ${i}` });
    });
    const t0 = Date.now();
    await pool(RUNS, CONCURRENCY, async (i) => {
      await g.api('PUT', `/api/v1/projects/${PROJECT}/flags/${flags[i].key}/release`, {
        variationId: flags[i].variations[1]._id,
      });
    });
    const startMs = Date.now() - t0;
    const deadline = Date.now() + TIMEOUT_MS;
    let left = RUNS;
    while (Date.now() < deadline) {
      const r = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "PipelineRun" WHERE "status" <> 'completed'`);
      left = Number(r.rows[0].n);
      if (left === 0) break;
      await sleep(500);
    }
    const rows = await db.query<{ audiences: PhaseRow[]; status: string }>(
      `SELECT "audiences", "status" FROM "PipelineRun"`,
    );
    const byStatus = new Map<string, number>();
    for (const r of rows.rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    if (left) console.log(`  runs by status at the end: ${JSON.stringify(Object.fromEntries(byStatus))}`);
    if (rows.rows[0]?.status === 'failed') console.log(`  e.g. ${JSON.stringify(rows.rows[0].audiences)}`);
    const starts: number[] = [];
    const late: number[] = [];
    for (const { audiences } of rows.rows) {
      audiences.forEach((a, i) => {
        if (a.startedAt) starts.push(Date.parse(a.startedAt));
        const before = audiences[i - 1];
        // An immediate phase soaks from its start (same look): due = the previous start + SOAK_MS
        // (soakUntil itself is cleared when the soak ends).
        if (i > 0 && a.startedAt && before?.startedAt)
          late.push(Date.parse(a.startedAt) - (Date.parse(before.startedAt) + SOAK_MS));
      });
    }
    starts.sort((a, b) => a - b);
    late.sort((a, b) => a - b);
    // The busy window: from the first phase start after every run began (load fully offered) to the last start.
    const from = t0 + startMs;
    const inWindow = starts.filter((t) => t >= from);
    const windowS = inWindow.length ? (inWindow[inWindow.length - 1] - from) / 1000 : NaN;
    const offered = RUNS / ((SOAK_MS + 1_000) / 1000);
    const overall = starts.length / ((starts[starts.length - 1] - starts[0]) / 1000);
    const result = {
      workers,
      steps: starts.length,
      perSecond: inWindow.length / windowS,
      overall,
      offered,
      p50: pct(late, 50),
      p99: pct(late, 99),
      max: late[late.length - 1],
      unfinished: left,
    };
    console.log(
      `\nW = ${workers} worker process(es): ${RUNS} runs × ${PHASES} phases started in ${f1(startMs / 1000)} s; ` +
        `${starts.length} phase starts (${f1(overall)} steps/s from the first to the last), ` +
        `${f1(result.perSecond)} steps/s over the ${f1(windowS)} s after every run had started ` +
        `(offered ≈ ${f1(offered)} steps/s); lateness p50 ${f1(result.p50)} / p99 ${f1(result.p99)} / max ${f1(result.max)} ms` +
        (left ? `; ${left} runs unfinished at the timeout` : ''),
    );
    return result;
  } finally {
    await db.end().catch(() => undefined);
    await Promise.all(procs.map((p) => p.stop()));
    await g.stop();
  }
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  console.log(
    `gantry: one GANTRY_ROLE=api process + W GANTRY_ROLE=worker processes; plans of ${PHASES} immediate phases, soak ${SOAK_MS} ms`,
  );
  const results = [];
  for (const w of WORKERS) results.push(await round(w));
  console.log('\nsummary: W → steps/s (offered), lateness p50 / p99 / max');
  for (const x of results)
    console.log(
      `  ${x.workers} → ${f1(x.perSecond)} (${f1(x.offered)}) steps/s, ${f1(x.p50)} / ${f1(x.p99)} / ${f1(x.max)} ms`,
    );
  if (results.length === 2)
    console.log(`  ratio 2 workers / 1 worker: ${(results[1].perSecond / results[0].perSecond).toFixed(2)} × steps/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
