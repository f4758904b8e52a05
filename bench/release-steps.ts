/**
 * Staged-release steps a worker sustains. For each R in BENCH_RELEASES, a fresh Gantry process
 * (role `all`: API and worker together, from dist/ on a scratch database) gets R flags and one
 * release each, 20 stages: a first stage held long enough for every release to be created, then 19
 * stages of 1,000 ms. Once all are past their first stage, R steps are due every second; over a
 * window of BENCH_WINDOW_MS the benchmark counts the step writes executed per second and each
 * step's lateness. Since a release schedules its next step from when the last one ran (`nextStepAt
 * = step time + durationMs`), a worker that cannot keep up shows as lateness that settles near
 * R / capacity − 1 s and as fewer steps per second than offered. Bounded; loopback only.
 */
import os from 'node:os';
import pg from 'pg';
import { pct, startGantry, type FlagView, type Gantry } from './lib/gantry';
import { cpuSeconds } from './lib/procs';
import { ActiveJobs, f1, pool, sleep } from './schedules';

const ROUNDS = (process.env.BENCH_RELEASES ?? '10,25,50,100,200,400')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PORT = Number(process.env.BENCH_PORT ?? 3394);
const PROJECT = 'bench';
const ENV = 'production';
const STEP_MS = 1_000;
/** Weights after the first stage: 5% … 90% in steps of 5%, then 100%: 19 steps of STEP_MS. */
const CADENCE_WEIGHTS = [...Array.from({ length: 18 }, (_, i) => (i + 1) * 5_000), 100_000];

const stagesWith = (firstMs: number) => [
  { weight: 1_000, durationMs: firstMs },
  ...CADENCE_WEIGHTS.map((weight) => ({ weight, durationMs: STEP_MS })),
];

interface Step {
  release: string;
  stage: number;
  at: number;
  due?: number;
  active?: number;
  txStart?: number;
}

async function createFlags(g: Gantry, prefix: string, count: number): Promise<FlagView[]> {
  const flags: FlagView[] = new Array(count);
  await pool(count, CONCURRENCY, async (i) => {
    flags[i] = await g.api<FlagView>('POST', `/api/v1/projects/${PROJECT}/flags`, {
      key: `${prefix}-${i}`,
      name: `${prefix} ${i}`,
    });
  });
  return flags;
}

async function startReleases(g: Gantry, flags: FlagView[], firstMs: number): Promise<number> {
  const t0 = Date.now();
  await pool(flags.length, CONCURRENCY, async (i) => {
    // Boolean flags serve variation 0 (true) on fallthrough; each release moves it to false.
    await g.api('POST', `/api/v1/projects/${PROJECT}/flags/${flags[i].key}/environments/${ENV}/releases`, {
      toVariationId: flags[i].variations[1]._id,
      stages: stagesWith(firstMs),
    });
  });
  return Date.now() - t0;
}

/**
 * Every step of the round's releases: `at` from the release's history (stamped after the write, in
 * its transaction), `due` = the nextStepAt the stepper set (previous step time + durationMs; in the
 * alarm's job id `release-<id>-<stage>-<ms>`), `active` = when BullMQ gave the job to the worker,
 * `txStart` = the FlagVersion's createdAt (PostgreSQL's start of the step's transaction).
 */
async function steps(
  db: pg.Client,
  flagPrefix: string,
  jobs: ActiveJobs,
): Promise<{ steps: Step[]; created: number[]; completed: number }> {
  const rel = await db.query<{ id: string; status: string; history: { at: string; status: string; stage: number }[] }>(
    `SELECT "id", "status", "history" FROM "Release" WHERE "flagKey" LIKE $1`,
    [`${flagPrefix}-%`],
  );
  const tx = await db.query<{ comment: string; t: string }>(
    `SELECT "comment", extract(epoch FROM "createdAt") * 1000 AS t FROM "FlagVersion" WHERE "comment" LIKE 'release %: stage %'`,
  );
  const txStart = new Map<string, number>();
  for (const r of tx.rows) {
    const m = /^release ([0-9a-f-]{36}): stage (\d+) of/.exec(r.comment);
    if (m) txStart.set(`${m[1]}-${Number(m[2]) - 1}`, Number(r.t));
  }
  const due = new Map<string, { due: number; active: number }>();
  for (const [jobId, active] of jobs.at) {
    const m = /^release-([0-9a-f-]{36})-(\d+)-(\d+)$/.exec(jobId);
    if (m && !due.has(`${m[1]}-${m[2]}`)) due.set(`${m[1]}-${m[2]}`, { due: Number(m[3]), active });
  }
  const out: Step[] = [];
  const created: number[] = [];
  for (const r of rel.rows) {
    for (const h of r.history) {
      if (h.status === 'running' && h.stage === -1) created.push(Date.parse(h.at));
      if (h.status !== 'running' || h.stage < 0) continue;
      const key = `${r.id}-${h.stage}`;
      out.push({
        release: r.id,
        stage: h.stage,
        at: Date.parse(h.at),
        due: due.get(key)?.due,
        active: due.get(key)?.active,
        txStart: txStart.get(key),
      });
    }
  }
  return { steps: out, created, completed: rel.rows.filter((r) => r.status === 'completed').length };
}

const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
const stats = (xs: number[]) =>
  xs.length
    ? `p50 ${f1(pct(xs, 50))}  p90 ${f1(pct(xs, 90))}  p99 ${f1(pct(xs, 99))}  max ${f1(xs[xs.length - 1])} ms`
    : '(none)';

async function round(r: number) {
  const name = `rel${r}`;
  const g = await startGantry(name, PORT, { GANTRY_ROLE: 'all' });
  // startGantry names its scratch database and Redis prefix this way; results are read from them directly.
  const db = new pg.Client({
    connectionString: `postgresql://postgres@127.0.0.1:5432/gantry_bench_${name}_${process.pid}`,
  });
  const jobs = new ActiveJobs(`gbench_${name}_${process.pid}:bull:changes:events`);
  try {
    await db.connect();
    jobs.start();
    const load = os.loadavg()[0];
    await g.api('POST', '/api/v1/projects', {
      key: PROJECT,
      name: 'Bench',
      environments: [{ key: ENV, name: 'Production' }],
    });
    // Warm-up, and the creation rate that sets the first stage's length: 20 releases whose first stage outlasts the round.
    const warm = await createFlags(g, 'warm', 20);
    const warmMs = await startReleases(g, warm, 600_000);
    const flags = await createFlags(g, 'rel', r);
    const firstMs = Math.ceil((warmMs / warm.length) * r * 1.3) + 3_000;
    const createMs = await startReleases(g, flags, firstMs);

    const { created } = await steps(db, 'rel', jobs);
    const lastCreated = Math.max(...created);
    const from = lastCreated + firstMs + 500; // every release is past its first stage, stepping each second
    const to = from + WINDOW_MS;
    await sleep(Math.max(0, from - Date.now()));
    const cpu0 = cpuSeconds(g.child.pid!);
    await sleep(Math.max(0, to - Date.now()));
    const cores = (cpuSeconds(g.child.pid!) - cpu0) / (WINDOW_MS / 1000);
    await sleep(1_500);
    await jobs.stop();
    const res = await steps(db, 'rel', jobs);

    const inWindow = res.steps.filter((s) => s.at >= from && s.at < to);
    const late = sorted(inWindow.filter((s) => s.due !== undefined).map((s) => s.at - s.due!));
    const pickup = sorted(
      inWindow.filter((s) => s.due !== undefined && s.active !== undefined).map((s) => s.active! - s.due!),
    );
    const toTx = sorted(
      inWindow.filter((s) => s.due !== undefined && s.txStart !== undefined).map((s) => s.txStart! - s.due!),
    );
    const write = sorted(inWindow.filter((s) => s.txStart !== undefined).map((s) => s.at - s.txStart!));
    const firstDone = res.steps.filter((s) => s.stage === CADENCE_WEIGHTS.length).map((s) => s.at);
    console.log(
      `\nR = ${r} releases (load average ${load.toFixed(2)} at the round's start): ` +
        `created in ${f1(createMs / 1000)} s (first stage ${f1(firstMs / 1000)} s); ` +
        `nominal load ${r} steps/s (each release steps ${STEP_MS} ms after its last step ran)`,
    );
    console.log(
      `  executed in the ${WINDOW_MS / 1000} s window: ${inWindow.length} step writes = ` +
        `${f1(inWindow.length / (WINDOW_MS / 1000))} steps/s ` +
        `(${f1((100 * inWindow.length) / (r * (WINDOW_MS / 1000)))}% of nominal)`,
    );
    console.log(
      `  Gantry process CPU over the window: ${cores.toFixed(2)} cores; load average (1 min) at its end: ${os.loadavg()[0].toFixed(2)}`,
    );
    console.log(`  lateness (step written − due): ${stats(late)}`);
    console.log(`    due → job taken by the worker (BullMQ): ${stats(pickup)}`);
    console.log(`    due → write transaction began:         ${stats(toTx)}`);
    console.log(`    write transaction began → written:     ${stats(write)}`);
    if (late.length < inWindow.length)
      console.log(
        `  (${inWindow.length - late.length} steps in the window without a matching alarm in the event stream)`,
      );
    if (firstDone.some((t) => t < to))
      console.log('  WARNING: some releases finished inside the window; the offered load fell before its end');
    if (late.length && late.some((l) => l < 0))
      console.log(`  WARNING: ${late.filter((l) => l < 0).length} steps ran before their due time`);
    return {
      r,
      cores,
      executed: inWindow.length / (WINDOW_MS / 1000),
      p50: late.length ? pct(late, 50) : NaN,
      p99: late.length ? pct(late, 99) : NaN,
      max: late.length ? late[late.length - 1] : NaN,
    };
  } finally {
    await jobs.stop().catch(() => undefined);
    await db.end().catch(() => undefined);
    await g.stop();
  }
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  console.log(
    `gantry: one process per round, GANTRY_ROLE=all (API and worker together), ` +
      `GANTRY_WORKER_CONCURRENCY ${process.env.GANTRY_WORKER_CONCURRENCY ?? 'default'}; ` +
      `releases of 20 stages, 19 of them ${STEP_MS} ms`,
  );
  const results = [];
  for (const r of ROUNDS) results.push(await round(r));
  console.log('\nsummary: R (nominal steps/s) → executed steps/s, lateness p50 / p99 / max, Gantry CPU');
  for (const x of results)
    console.log(
      `  ${x.r} → ${f1(x.executed)} steps/s, ${f1(x.p50)} / ${f1(x.p99)} / ${f1(x.max)} ms, ${x.cores.toFixed(2)} cores`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
