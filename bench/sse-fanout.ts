/**
 * SSE fan-out (DESIGN §7): one Gantry process from dist/; N streams on `GET /all` (the LaunchDarkly
 * server-side stream, SDK key in Authorization), N = 1,000 then 10,000 (the same streams plus
 * 9,000 more). For each N: the server's RSS growth per stream (VmRSS of the child, each time
 * after a full GC: the child runs with bench/lib/gc-on-signal.js), then flag
 * changes through the management API (semantic PATCH turnFlagOn/turnFlagOff, one at a time) and
 * the write-to-receipt latency: from sending the PATCH to each stream receiving its `patch` event.
 *
 * The client is deliberately cheap (raw http.get without an agent, looking only for
 * `event: patch`), but it runs in this process on the same 2 cores as the server, PostgreSQL and
 * Redis, and reading N sockets one after the other takes it time of its own. So the same client
 * is run, in the same run, against a reference: a bare node:http server (another child process)
 * that holds the same N streams and writes the same event bytes to all of them when asked. Its
 * figures are the floor this machine and this client allow, with no write path at all.
 * Knobs: BENCH_STREAMS (default "1000,10000"), BENCH_CHANGES (20 per N), BENCH_PORT (3392),
 * BENCH_WARM_UP_CHANGES (200, over 50 streams, before anything is measured: Gantry's write path is
 * still being compiled for its first few hundred PATCHes, bench/README.md "2026-12-07, fifth").
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { collectGarbage, createProject, GC_ON_SIGNAL, pct, startGantry } from './lib/gantry';
import { rssKiB as rssOf } from './lib/procs';
import { BARE_SSE_SERVER, RECEIPT_TIMEOUT_MS, Streams } from './lib/sse-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const STEPS = (process.env.BENCH_STREAMS ?? '1000,10000').split(',').map(Number);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 20);
const WARM_UP_CHANGES = Number(process.env.BENCH_WARM_UP_CHANGES ?? 200);
const PORT = Number(process.env.BENCH_PORT ?? 3392);
const PROJECT = 'sse';
const ENV = 'production';

interface Target {
  name: string;
  port: number;
  pid: number;
  /** One change: resolves when the server has answered the request that makes it. */
  send(): Promise<void>;
  sendLabel: string;
  /** Streams the server says it holds. */
  count(): Promise<number>;
}

const f = (x: number) => `${x.toFixed(1)} ms`;

/** Warm-up, then for each N: open streams, RSS, CHANGES changes; returns the report lines. */
async function runPhases(t: Target, sdkKey: string, steps: number[]): Promise<string[]> {
  const lines: string[] = [];
  const warm = new Streams({ port: t.port, sdkKey });
  await warm.openMany(50);
  for (let i = 0; i < WARM_UP_CHANGES; i++) await warm.change(() => t.send());
  warm.closeAll();
  await sleep(500);
  await collectGarbage(t.pid);
  const rss0 = rssOf(t.pid);
  const streams = new Streams({ port: t.port, sdkKey });
  let prevN = 0;
  let prevRss = rss0;
  try {
    for (const n of steps) {
      const t0 = performance.now();
      const opening = n - streams.all.length;
      await streams.openMany(opening);
      const openS = (performance.now() - t0) / 1000;
      await sleep(500);
      await collectGarbage(t.pid);
      const rss = rssOf(t.pid);
      const counted = await t.count();
      const latencies: number[] = [];
      const afterResponse: number[] = [];
      const sendMs: number[] = [];
      const firstMs: number[] = [];
      const spreadMs: number[] = [];
      let incomplete = 0;
      const c0 = process.cpuUsage();
      for (let i = 0; i < CHANGES; i++) {
        const r = await streams.change(() => t.send());
        if (!r.complete) incomplete += 1;
        sendMs.push(r.sendMs);
        const got = streams.receipts[r.k];
        let lo = Infinity;
        let hi = -Infinity;
        for (const at of got) {
          latencies.push(at - streams.sentAt[r.k]);
          afterResponse.push(at - streams.sentAt[r.k] - r.sendMs);
          lo = Math.min(lo, at);
          hi = Math.max(hi, at);
        }
        if (got.length) {
          firstMs.push(lo - streams.sentAt[r.k]);
          spreadMs.push(hi - lo);
        }
        await sleep(100);
      }
      const cu = process.cpuUsage(c0);
      for (const xs of [latencies, afterResponse, sendMs, firstMs, spreadMs]) xs.sort((a, b) => a - b);
      const open = streams.openCount;
      lines.push(
        `${t.name}, N = ${n}: ${opening} streams opened in ${openS.toFixed(1)} s ` +
          `(${(opening / openS).toFixed(0)}/s); the server counts ${counted}; ` +
          `${open} open at the end, ${streams.closedEarly} closed by the server`,
      );
      const perAdded = prevN
        ? ` (from ${prevN} streams: ${((rss - prevRss) / (n - prevN)).toFixed(1)} KiB per added stream)`
        : '';
      lines.push(
        `  server RSS after a full GC: ${(rss0 / 1024).toFixed(1)} MiB before any stream -> ` +
          `${(rss / 1024).toFixed(1)} MiB = ${((rss - rss0) / n).toFixed(1)} KiB per stream${perAdded}`,
      );
      prevN = n;
      prevRss = rss;
      const missed = incomplete ? `; ${incomplete} changes missed some stream for ${RECEIPT_TIMEOUT_MS / 1000} s` : '';
      lines.push(`  write-to-receipt, ${CHANGES} changes x ${open} streams (${latencies.length} receipts${missed}):`);
      lines.push(
        `    p50 ${f(pct(latencies, 50))}   p90 ${f(pct(latencies, 90))}   p99 ${f(pct(latencies, 99))}   ` +
          `max ${f(latencies[latencies.length - 1])}`,
      );
      lines.push(
        `    ${t.sendLabel}: p50 ${f(pct(sendMs, 50))}, max ${f(sendMs[sendMs.length - 1])}; ` +
          `its response -> receipt: p50 ${f(pct(afterResponse, 50))}, p99 ${f(pct(afterResponse, 99))}`,
      );
      lines.push(
        `    per change, sent -> first stream's receipt: p50 ${f(pct(firstMs, 50))}, ` +
          `max ${f(firstMs[firstMs.length - 1])}; first -> last receipt: p50 ${f(pct(spreadMs, 50))} ` +
          `(${((pct(spreadMs, 50) * 1000) / open).toFixed(1)} µs per stream), max ${f(spreadMs[spreadMs.length - 1])}`,
      );
      lines.push(`    client CPU: ${((cu.user + cu.system) / 1000 / CHANGES).toFixed(1)} ms per change`);
    }
  } finally {
    streams.closeAll();
  }
  return lines;
}

async function main() {
  const load0 = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim());
  const largest = Math.max(...STEPS);
  // Each stream is one descriptor in this process and one in the server; both inherit this limit.
  const steps = STEPS.map((n) => (n + 200 > limit ? limit - 200 : n));
  const lines: string[] = [];
  let putBytes: string;
  let patchBytes: string;

  const g = await startGantry('sse', PORT, {}, GC_ON_SIGNAL);
  try {
    const sdkKey = await createProject(g, PROJECT, ENV);
    await g.api('POST', `/api/v1/projects/${PROJECT}/flags`, { key: 'toggle', name: 'toggle' });
    for (let i = 0; i < 9; i++)
      await g.api('POST', `/api/v1/projects/${PROJECT}/flags`, { key: `other-${i}`, name: `other ${i}` });
    let on = false;
    const gantry: Target = {
      name: 'gantry',
      port: PORT,
      pid: g.child.pid as number,
      sendLabel: 'the PATCH itself',
      send: async () => {
        on = !on;
        await g.api('PATCH', `/api/v1/projects/${PROJECT}/flags/toggle`, {
          environmentKey: ENV,
          instructions: [{ kind: on ? 'turnFlagOn' : 'turnFlagOff' }],
          comment: 'sse bench',
        });
      },
      count: async () =>
        Number(/^gantry_sdk_streams(?:\{\})? (\d+)/m.exec(await (await fetch(`${g.base}/metrics`)).text())?.[1] ?? NaN),
    };
    lines.push(...(await runPhases(gantry, sdkKey, steps)));
    // The same bytes for the reference: a put of this environment and a patch of the toggled flag.
    const all = (await (await fetch(`${g.base}/sdk/latest-all`, { headers: { authorization: sdkKey } })).json()) as {
      flags: Record<string, unknown>;
    };
    putBytes = `event: put\ndata: ${JSON.stringify({ path: '/', data: all })}\n\n`;
    patchBytes = `event: patch\nid: 100\ndata: ${JSON.stringify({ path: '/flags/toggle', data: all.flags.toggle })}\n\n`;
  } finally {
    await g.stop();
  }

  const barePort = PORT + 1;
  const bare: ChildProcess = spawn(process.execPath, [...GC_ON_SIGNAL, '-e', BARE_SSE_SERVER], {
    env: { ...process.env, BARE_PORT: String(barePort), BARE_PUT: putBytes, BARE_EVENT: patchBytes },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise((resolve, reject) => {
      bare.stdout?.once('data', resolve);
      bare.once('exit', reject);
    });
    const reference: Target = {
      name: 'reference (bare node:http)',
      port: barePort,
      pid: bare.pid as number,
      sendLabel: 'the POST /broadcast itself',
      send: async () => {
        await (await fetch(`http://127.0.0.1:${barePort}/broadcast`, { method: 'POST' })).text();
      },
      count: async () => Number(await (await fetch(`http://127.0.0.1:${barePort}/count`)).text()),
    };
    lines.push(...(await runPhases(reference, 'none', steps)));
  } finally {
    bare.kill();
  }

  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
      `ulimit -n ${limit}; load average at start ${load0}`,
  );
  if (steps[steps.length - 1] < largest)
    console.log(
      `  ${largest} streams need ${largest} descriptors in this process and in the server; ` +
        `ulimit -n is ${limit}, so the largest run is ${steps[steps.length - 1]}`,
    );
  console.log(
    'SSE fan-out on GET /all; the client reads every stream in this one process, on the same 2 cores as the server',
  );
  console.log(
    'targets (DESIGN §7): ≤ 10 KB per stream; write-to-receipt p99 ≤ 50 ms at 1,000 streams; ' +
      `event ${patchBytes.length} bytes, put ${putBytes.length} bytes`,
  );
  for (const l of lines) console.log(`  ${l}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
