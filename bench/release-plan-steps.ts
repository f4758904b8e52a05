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
import os from 'node:os';
import { startGantry, startNode, type Gantry } from './lib/gantry';
import { runPlan, setUpPlan, SOAK_MS } from './lib/plan-steps';

const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));

const WORKERS = (process.env.BENCH_WORKERS ?? '1,2')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const RUNS = Number(process.env.BENCH_PLAN_RUNS ?? 200);
const PHASES = Number(process.env.BENCH_PLAN_PHASES ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PORT = Number(process.env.BENCH_PORT ?? 3396);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 180_000);

async function round(workers: number) {
  const name = `plan${workers}w`;
  const g: Gantry = await startGantry(name, PORT, { GANTRY_ROLE: 'api' });
  const procs = [];
  try {
    for (let i = 0; i < workers; i++) procs.push(await startNode(g, 'worker', PORT + 1 + i));
    await setUpPlan(g, PHASES);
    const r = await runPlan(g, { runs: RUNS, concurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS });
    if (r.unfinished) console.log(`  runs by status at the end: ${JSON.stringify(r.byStatus)}`);
    console.log(
      `\nW = ${workers} worker process(es): ${RUNS} runs × ${PHASES} phases started in ${f1(r.startMs / 1000)} s; ` +
        `${r.steps} phase starts (${f1(r.overall)} steps/s from the first to the last), ` +
        `${f1(r.perSecond)} steps/s over the ${f1(r.windowS)} s after every run had started ` +
        `(offered ≈ ${f1(r.offered)} steps/s); lateness p50 ${f1(r.late.p50)} / p99 ${f1(r.late.p99)} / max ${f1(r.late.max)} ms` +
        (r.unfinished ? `; ${r.unfinished} runs unfinished at the timeout` : ''),
    );
    return { workers, ...r };
  } finally {
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
      `  ${x.workers} → ${f1(x.perSecond)} (${f1(x.offered)}) steps/s, ${f1(x.late.p50)} / ${f1(x.late.p99)} / ${f1(x.late.max)} ms`,
    );
  if (results.length === 2)
    console.log(`  ratio 2 workers / 1 worker: ${(results[1].perSecond / results[0].perSecond).toFixed(2)} × steps/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
