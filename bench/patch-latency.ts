/**
 * Governance write latency (DESIGN §7): semantic PATCH with audit entry and outbox row, at 8
 * concurrent writers, over HTTP against a Gantry process started from dist/ on a scratch database.
 * Prints p50/p90/p99 in ms, and the CPU each write costs the Gantry process and the database's
 * PostgreSQL backends (utime + stime from /proc over the timed writes, after WARM_UP untimed writes
 * per writer). Bounded: WRITES_PER_WRITER per writer (default 150), loopback only.
 *
 * The warm-up is long (500 writes per writer, ~30 s here) because V8 keeps compiling the write
 * path's code for thousands of requests: 160 writes after start, a PATCH cost the process 5.1–5.6 ms
 * of CPU on the 2-core machine, after 2,400 writes 3.9–4.3 and after 8,000 3.5–3.6, about a fifth
 * of it on TurboFan's compiler threads (bench/README.md, 2026-12-07). A server in service is warm.
 */
import { CpuMeter, DatabaseBackends, machineLine, syscalls } from './lib/procs';
import { pct, startGantry, type Gantry } from './lib/gantry';

const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const WRITES = Number(process.env.WRITES_PER_WRITER ?? 150);
const PORT = Number(process.env.BENCH_PORT ?? 3390);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 500);

/** Each writer patches its own flag `count` times, one request at a time; returns each request's latency. */
async function writes(g: Gantry, count: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        await g.api('PATCH', `/api/v1/projects/bench/flags/flag-${w}`, {
          environmentKey: 'production',
          instructions: [{ kind: i % 2 === 0 ? 'turnFlagOn' : 'turnFlagOff' }],
          comment: `bench ${i}`,
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

async function main() {
  const g = await startGantry('patch', PORT);
  try {
    await g.api('POST', '/api/v1/projects', {
      key: 'bench',
      name: 'Bench',
      environments: [{ key: 'production', name: 'Production' }],
    });
    for (let w = 0; w < WRITERS; w++)
      await g.api('POST', '/api/v1/projects/bench/flags', { key: `flag-${w}`, name: `Flag ${w}` });

    await writes(g, WARM_UP);
    const database = new URL(g.env.DATABASE_URL).pathname.slice(1);
    const backends = await new DatabaseBackends(database).start();
    const meter = new CpuMeter({ gantry: () => [g.child.pid!], postgres: () => backends.pids }).start();
    const calls = syscalls(g.child.pid!);
    const started = performance.now();
    const latencies = await writes(g, WRITES);
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter.stop();
    const after = syscalls(g.child.pid!);
    await backends.stop();
    latencies.sort((a, b) => a - b);
    const verify = await g.api<{ ok: boolean; checked: number }>('GET', '/api/v1/audit-log/verify');
    console.log(machineLine());
    console.log(
      `governance PATCH (audit + outbox), ${WRITERS} concurrent writers, ` +
        `${latencies.length} writes in ${seconds.toFixed(1)} s = ${(latencies.length / seconds).toFixed(0)} writes/s ` +
        `(after ${WARM_UP} untimed writes per writer)`,
    );
    console.log(
      `  p50 ${pct(latencies, 50).toFixed(1)} ms   p90 ${pct(latencies, 90).toFixed(1)} ms   ` +
        `p99 ${pct(latencies, 99).toFixed(1)} ms   max ${latencies[latencies.length - 1].toFixed(1)} ms`,
    );
    const perWrite = (s: number) => `${((s * 1000) / latencies.length).toFixed(2)} ms`;
    console.log(
      `  CPU per write: Gantry ${perWrite(cpu.gantry)} (${(cpu.gantry / seconds).toFixed(2)} cores), ` +
        `PostgreSQL backends ${perWrite(cpu.postgres)} (${(cpu.postgres / seconds).toFixed(2)} cores)`,
    );
    const perWriteCount = (n: number) => (n / latencies.length).toFixed(1);
    console.log(
      `  system calls per write (Gantry): ${perWriteCount(after.writes - calls.writes)} writes, ` +
        `${perWriteCount(after.reads - calls.reads)} reads`,
    );
    console.log(`  audit chain after the run: ok=${verify.ok} checked=${verify.checked}`);
  } finally {
    await g.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
