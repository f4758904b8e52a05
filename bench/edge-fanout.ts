/**
 * One edge node's fan-out (issue 14 §3): a Gantry API node (GANTRY_ROLE=all, scratch database)
 * and one edge node (GANTRY_ROLE=edge, no database, no Redis) streaming from it with a relay
 * token. N streams on the edge's GET /all (target 50,000), held by child processes (lib/
 * stream-clients.ts, at most BENCH_PER_CLIENT streams each); the edge's memory per stream after a
 * full GC; then CHANGES changes, each a PATCH on the API node, timed from the PATCH being sent
 * (and from its response, i.e. after the commit) to its receipt on every stream: p50/p99/max.
 * The client processes share the 2 cores with the edge, the API node and PostgreSQL: their CPU
 * per change is printed beside the edge's.
 * Reference in the same run: a bare node:http server holding the same N streams from the same
 * client, writing the same event bytes to all of them on POST /broadcast.
 * A process can hold at most `ulimit -n` descriptors and only root with CAP_SYS_RESOURCE can raise
 * the hard limit: N is capped below it, and the cap is printed. Streams are opened from
 * 127.0.0.2, 127.0.0.3, … in turn (see PORTS_PER_SOURCE).
 * Knobs: BENCH_EDGE_STREAMS (50000), BENCH_CHANGES (5), BENCH_PER_CLIENT (15000), BENCH_PORT (3460).
 */
import { execSync, spawn } from 'node:child_process';
import {
  collectGarbage,
  createProject,
  createRelayToken,
  edgeBuilt,
  GC_ON_SIGNAL,
  pct,
  startEdge,
  startGantry,
  type GantryNode,
} from './lib/gantry';
import { CpuMeter, DatabaseBackends, machineLine, redisPids, rssKiB } from './lib/procs';
import { BARE_SSE_SERVER } from './lib/sse-client';
import { StreamClients } from './lib/stream-clients';
import { sleep } from './schedules';

const WANTED = Number(process.env.BENCH_EDGE_STREAMS ?? 50_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 5);
const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 15_000);
const PORT = Number(process.env.BENCH_PORT ?? 3460);
const PROJECT = 'edge';
const ENV = 'production';
const TARGET_P99_MS = 1_500;
/**
 * Streams per source address. A client bound to a source address gets its port at bind time, so the
 * port must be free on that address whatever the destination: 127.0.0.1's ephemeral range
 * (net.ipv4.ip_local_port_range, ~28,000) is shared with every other connection and TIME_WAIT on the
 * machine (after scale-out.ts in the same `npm run bench`, too few were left: EADDRINUSE). So the
 * streams come from 127.0.0.2, 127.0.0.3, …, 10,000 each.
 */
const PORTS_PER_SOURCE = 10_000;

const ms1 = (x: number) => `${x.toFixed(1)} ms`;

interface Side {
  label: string;
  pid: number;
  port: number;
  sdkKey: string;
  /** One change; resolves when the request that makes it is answered. */
  send(): Promise<void>;
  /** Other server processes whose CPU belongs to a change (the API node, PostgreSQL, Redis). */
  upstreamPids: () => number[];
}

async function measure(side: Side, n: number): Promise<string[]> {
  const localAddresses = Array.from({ length: Math.ceil(n / PORTS_PER_SOURCE) }, (_, i) => `127.0.0.${i + 2}`);
  await collectGarbage(side.pid);
  const rss0 = rssKiB(side.pid);
  const t0 = performance.now();
  const clients = await StreamClients.open({ port: side.port, sdkKey: side.sdkKey, localAddresses }, n, PER_CLIENT);
  try {
    const openS = (performance.now() - t0) / 1000;
    await sleep(1000);
    await collectGarbage(side.pid);
    const rss = rssKiB(side.pid);
    const { open, closedEarly } = await clients.count();
    await clients.change(side.send); // warm-up
    const all: number[] = [];
    const afterResponse: number[] = [];
    const sendMs: number[] = [];
    let incomplete = 0;
    const meter = new CpuMeter({
      server: () => [side.pid],
      upstream: side.upstreamPids,
      client: () => clients.pids,
    }).start();
    for (let i = 0; i < CHANGES; i++) {
      const r = await clients.change(side.send);
      all.push(...r.latencies);
      afterResponse.push(...r.latencies.map((x) => x - r.sendMs));
      sendMs.push(r.sendMs);
      if (!r.complete || r.latencies.length < r.need) incomplete += 1;
      await sleep(500);
    }
    const cpu = meter.stop();
    const [server, up, client] = [cpu.server, cpu.upstream, cpu.client].map((x) => x / CHANGES);
    for (const xs of [all, afterResponse, sendMs]) xs.sort((a, b) => a - b);
    const p99 = pct(all, 99);
    return [
      `${side.label}: ${open} streams held (opened in ${openS.toFixed(1)} s from ${localAddresses.length} source ` +
        `address(es), ${clients.pids.length} client processes; ${closedEarly} closed by the server)`,
      `  RSS after a full GC ${(rss0 / 1024).toFixed(1)} → ${(rss / 1024).toFixed(1)} MiB = ` +
        `${((rss - rss0) / open).toFixed(2)} KiB per stream`,
      `  delivery of ${CHANGES} changes to every stream (${all.length} receipts` +
        `${incomplete ? `; ${incomplete} changes missed some stream for 10 s` : ''}):`,
      `    from the request sent: p50 ${ms1(pct(all, 50))}, p99 ${ms1(p99)}, max ${ms1(all[all.length - 1])}` +
        ` (target p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS && !incomplete ? 'met' : 'NOT MET'})`,
      `    from its response: p50 ${ms1(pct(afterResponse, 50))}, p99 ${ms1(pct(afterResponse, 99))}; ` +
        `the request itself p50 ${ms1(pct(sendMs, 50))}`,
      `  CPU per change: this server ${(server * 1000).toFixed(0)} ms ` +
        `(${((server * 1e6) / open).toFixed(1)} µs per stream), upstream (API node, its database's backends, Redis) ` +
        `${(up * 1000).toFixed(0)} ms, the stream client ${(client * 1000).toFixed(0)} ms ` +
        `(${((client * 1e6) / open).toFixed(1)} µs per stream)`,
    ];
  } finally {
    clients.close();
  }
}

async function main() {
  const hard = Number(execSync('ulimit -Hn', { shell: '/bin/bash' }).toString().trim());
  // The server holds one descriptor per stream, plus its own (listening socket, upstream, files).
  const n = Math.min(WANTED, hard - 500);
  const lines: string[] = [];
  let putBytes: string;
  let patchBytes: string;
  const g = await startGantry('edge', PORT);
  let edge: GantryNode | undefined;
  const backends = new DatabaseBackends(new URL(g.env.DATABASE_URL).pathname.slice(1));
  try {
    await backends.start();
    const sdkKey = await createProject(g, PROJECT, ENV);
    await g.api('POST', `/api/v1/projects/${PROJECT}/flags`, { key: 'toggle', name: 'toggle' });
    for (let i = 0; i < 9; i++)
      await g.api('POST', `/api/v1/projects/${PROJECT}/flags`, { key: `other-${i}`, name: `other ${i}` });
    const all = (await (await fetch(`${g.base}/sdk/latest-all`, { headers: { authorization: sdkKey } })).json()) as {
      flags: Record<string, unknown>;
    };
    putBytes = `event: put\ndata: ${JSON.stringify({ path: '/', data: all })}\n\n`;
    patchBytes = `event: patch\nid: 100\ndata: ${JSON.stringify({ path: '/flags/toggle', data: all.flags.toggle })}\n\n`;
    if (edgeBuilt()) {
      edge = await startEdge(g.base, await createRelayToken(g, PROJECT), PORT + 1, GC_ON_SIGNAL);
      let on = false;
      lines.push(
        ...(await measure(
          {
            label: 'edge node (GANTRY_ROLE=edge)',
            pid: edge.child.pid as number,
            port: edge.port,
            sdkKey,
            send: async () => {
              on = !on;
              await g.api('PATCH', `/api/v1/projects/${PROJECT}/flags/toggle`, {
                environmentKey: ENV,
                instructions: [{ kind: on ? 'turnFlagOn' : 'turnFlagOff' }],
                comment: 'edge fan-out bench',
              });
            },
            upstreamPids: () => [g.child.pid as number, ...backends.pids, ...redisPids()],
          },
          n,
        )),
      );
    } else {
      lines.push('edge node: NOT RUN — dist/ has no GANTRY_ROLE=edge (build from a tree that has it)');
    }
  } finally {
    await backends.stop();
    await edge?.stop();
    await g.stop();
  }

  const barePort = PORT + 2;
  const bare = spawn(process.execPath, [...GC_ON_SIGNAL, '-e', BARE_SSE_SERVER], {
    env: { ...process.env, BARE_PORT: String(barePort), BARE_PUT: putBytes, BARE_EVENT: patchBytes },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise((resolve, reject) => {
      bare.stdout.once('data', resolve);
      bare.once('exit', reject);
    });
    lines.push(
      ...(await measure(
        {
          label: 'reference: bare node:http SSE server',
          pid: bare.pid as number,
          port: barePort,
          sdkKey: 'none',
          send: async () => {
            await (await fetch(`http://127.0.0.1:${barePort}/broadcast`, { method: 'POST' })).text();
          },
          upstreamPids: () => [],
        },
        n,
      )),
    );
  } finally {
    bare.kill();
  }

  console.log(machineLine());
  console.log(
    `edge fan-out: ${n} streams on one process` +
      (n < WANTED
        ? ` (${WANTED} wanted; the hard limit on open files here is ${hard} and cannot be raised without CAP_SYS_RESOURCE)`
        : '') +
      `; event ${patchBytes.length} bytes, put ${putBytes.length} bytes; the client shares the cores`,
  );
  for (const l of lines) console.log(`  ${l}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
