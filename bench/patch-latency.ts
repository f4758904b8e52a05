/**
 * Governance write latency (DESIGN §7): semantic PATCH with audit entry and outbox row, at 8
 * concurrent writers, over HTTP against a Gantry process started from dist/ on a scratch database.
 * Prints p50/p90/p99 in ms. Bounded: WRITES_PER_WRITER per writer (default 150), loopback only.
 */
import os from 'node:os';
import { pct, startGantry } from './lib/gantry';

const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const WRITES = Number(process.env.WRITES_PER_WRITER ?? 150);
const PORT = Number(process.env.BENCH_PORT ?? 3390);

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

    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < WRITES; i++) {
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
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const verify = await g.api<{ ok: boolean; checked: number }>('GET', '/api/v1/audit-log/verify');
    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ` +
        `load average ${os.loadavg()[0].toFixed(2)}`,
    );
    console.log(
      `governance PATCH (audit + outbox), ${WRITERS} concurrent writers, ` +
        `${latencies.length} writes in ${seconds.toFixed(1)} s = ${(latencies.length / seconds).toFixed(0)} writes/s`,
    );
    console.log(
      `  p50 ${pct(latencies, 50).toFixed(1)} ms   p90 ${pct(latencies, 90).toFixed(1)} ms   ` +
        `p99 ${pct(latencies, 99).toFixed(1)} ms   max ${latencies[latencies.length - 1].toFixed(1)} ms`,
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
