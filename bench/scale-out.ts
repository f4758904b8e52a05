/**
 * Scale-out (issue 14 §2): for K = 1 then 2, one deployment of K API nodes (GANTRY_ROLE=api)
 * behind a round-robin TCP spreader (lib/spreader.ts), K worker nodes (GANTRY_ROLE=worker), one
 * database and one Redis prefix; with the edge role built, K edge nodes too. For each K:
 *  - OFREP bulk (50 flags, ofrep-http.ts's project and contexts) through the spreader, autocannon in
 *    this process;
 *  - streams: S SSE streams on GET /all through the spreader (held by a child process), each
 *    node's memory per stream after a full GC;
 *  - propagation: PATCHes sent to the first API node, receipt on every stream on every node;
 *  - the cost of a write: PostgreSQL transactions and rows, Redis publishes and commands per write,
 *    with the background rate (pollers, relays) of an idle window taken off;
 *  - release plan steps done by the K workers (lib/plan-steps.ts).
 * Every figure comes with the CPU each kind of process used, per request, per change or per step
 * (utime + stime from /proc: the Gantry nodes by role, the spreader, the PostgreSQL backends of
 * the round's database, redis-server — shared with other sessions — and the client). 2 cores:
 * K = 2 cannot double anything here; CPU per request is what projects to more cores.
 * References in the same run: a bare node:http server answering the bulk bytes (through the
 * spreader and directly), and OFREP straight to the one API node (what the spreader costs).
 * Knobs: BENCH_NODES ("1,2"), BENCH_DURATION (s, 6), BENCH_CONNECTIONS (32), BENCH_STREAMS (8000),
 * BENCH_CHANGES (10), BENCH_WRITES (100), BENCH_PLAN_RUNS (100), BENCH_PLAN_PHASES (5),
 * BENCH_EDGE (1; 0 skips the edge parts), BENCH_PORT (3400; uses the next 50 ports).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { BARE_OFREP_SERVER, bodies, setUp } from './ofrep-http';
import {
  collectGarbage,
  createRelayToken,
  edgeBuilt,
  GC_ON_SIGNAL,
  pct,
  startEdge,
  startGantry,
  startNode,
  type GantryNode,
} from './lib/gantry';
import { runPlan, setUpPlan } from './lib/plan-steps';
import { CpuMeter, cpuSeconds, DatabaseBackends, machineLine, redisPids, rssKiB } from './lib/procs';
import { startSpreader } from './lib/spreader';
import { writeCost, type WriteCost } from './lib/write-cost';
import { StreamClients } from './lib/stream-clients';
import { sleep } from './schedules';

const NODES = (process.env.BENCH_NODES ?? '1,2').split(',').map(Number);
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 8000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 10);
const PLAN_RUNS = Number(process.env.BENCH_PLAN_RUNS ?? 100);
const PLAN_PHASES = Number(process.env.BENCH_PLAN_PHASES ?? 5);
const EDGE = process.env.BENCH_EDGE !== '0';
const BASE = Number(process.env.BENCH_PORT ?? 3400);
const PROJECT = 'ofrep'; // ofrep-http.ts's setUp
const ENV = 'production';

type Cpu = Record<string, number>;
const us = (seconds: number, n: number) => `${((seconds * 1e6) / n).toFixed(0)} µs`;
const ms1 = (x: number) => `${x.toFixed(1)} ms`;
/** Groups that used no CPU are left out (the edge group in a run without edges). */
const cpuLine = (cpu: Cpu, n: number, per: string) =>
  Object.entries(cpu)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${us(v, n)}`)
    .join(', ') + ` per ${per}`;

interface OfrepRun {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  bad: number;
  cpu: Cpu;
}

async function ofrep(url: string, sdkKey: string, meter: CpuMeter, seconds: number): Promise<OfrepRun> {
  let n = 0;
  meter.start();
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req: autocannon.Request) => {
          req.path = '/ofrep/v1/evaluate/flags';
          req.body = bodies[n++ % bodies.length];
          return req;
        },
      },
    ],
  });
  const cpu = meter.stop();
  return {
    rps: r.requests.average,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.errors + r.timeouts + r.non2xx,
    cpu,
  };
}

const ofrepLine = (label: string, r: OfrepRun) =>
  `${label}: ${r.rps.toFixed(0)} req/s (${r.requests} requests${r.bad ? `, ${r.bad} failed` : ''}), ` +
  `p50 ${r.p50} ms, p99 ${r.p99} ms; CPU ${cpuLine(r.cpu, r.requests, 'request')}`;

interface StreamsResult {
  held: number[];
  kibPerStream: number[];
  latencies: number[];
  sendMs: number[];
  incomplete: number;
  cpu: Cpu;
  clientCpu: number;
}

const streamsCount = async (base: string, metric: string) =>
  Number(
    new RegExp(`^${metric}(?:\\{\\})? (\\d+)`, 'm').exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? NaN,
  );

/**
 * S streams on GET /all through the spreader to `nodes`, memory per stream on each node, then
 * CHANGES changes: send() makes one (a PATCH on an API node) and every stream's receipt is timed.
 */
async function streams(
  port: number,
  sdkKey: string,
  nodes: GantryNode[],
  metric: string,
  meter: CpuMeter,
  send: () => Promise<void>,
): Promise<StreamsResult> {
  const pids = nodes.map((n) => n.child.pid as number);
  for (const pid of pids) await collectGarbage(pid);
  const rss0 = pids.map(rssKiB);
  const clients = await StreamClients.open({ port, sdkKey }, STREAMS, 10_000);
  try {
    await sleep(500);
    for (const pid of pids) await collectGarbage(pid);
    const counted = await Promise.all(nodes.map((n) => streamsCount(n.base, metric)));
    // A node without the gauge: the client's count, shared evenly (round robin per connection).
    const { open } = await clients.count();
    const held = counted.map((c) => (Number.isFinite(c) ? c : open / nodes.length));
    const kibPerStream = pids.map((pid, i) => (rssKiB(pid) - rss0[i]) / held[i]);
    const latencies: number[] = [];
    const sendMs: number[] = [];
    let incomplete = 0;
    await clients.change(send); // warm-up: the first change after opening pays for lazy paths
    const clientCpu0 = clients.pids.reduce((a, p) => a + cpuSeconds(p), 0);
    meter.start();
    for (let i = 0; i < CHANGES; i++) {
      const r = await clients.change(send);
      latencies.push(...r.latencies);
      sendMs.push(r.sendMs);
      if (!r.complete || r.latencies.length < r.need) incomplete += 1;
      await sleep(100);
    }
    const cpu = meter.stop();
    const clientCpu = clients.pids.reduce((a, p) => a + cpuSeconds(p), 0) - clientCpu0;
    latencies.sort((a, b) => a - b);
    sendMs.sort((a, b) => a - b);
    return { held, kibPerStream, latencies, sendMs, incomplete, cpu, clientCpu };
  } finally {
    clients.close();
  }
}

/** Every process but the load's client. */
const serverCpu = (cpu: Cpu) => Object.entries(cpu).reduce((a, [k, v]) => (k === 'client' ? a : a + v), 0);

function streamsLines(label: string, r: StreamsResult): string[] {
  const held = r.held.reduce((a, b) => a + b, 0);
  return [
    `${label}: ${held} streams held (${r.held.join(' + ')}); memory per stream after a full GC: ` +
      `${r.kibPerStream.map((x) => `${x.toFixed(1)} KiB`).join(', ')}`,
    `  propagation, ${CHANGES} changes × ${held} streams (${r.latencies.length} receipts` +
      `${r.incomplete ? `; ${r.incomplete} changes missed a stream` : ''}): PATCH sent → receipt ` +
      `p50 ${ms1(pct(r.latencies, 50))}, p99 ${ms1(pct(r.latencies, 99))}, max ${ms1(r.latencies[r.latencies.length - 1])}; ` +
      `the PATCH itself p50 ${ms1(pct(r.sendMs, 50))}`,
    `  CPU ${cpuLine({ ...r.cpu, 'stream client': r.clientCpu }, CHANGES, 'change')} ` +
      `(${us(serverCpu(r.cpu), CHANGES * held)} per delivered event, all server processes)`,
  ];
}

interface RoundResult {
  k: number;
  ofrep: OfrepRun;
  direct?: OfrepRun;
  bare?: { spread: OfrepRun; direct: OfrepRun };
  streams: StreamsResult;
  write: WriteCost;
  plan: Awaited<ReturnType<typeof runPlan>> & { cpu: Cpu };
  edge?: { ofrep: OfrepRun; streams: StreamsResult };
}

async function round(k: number): Promise<RoundResult> {
  const g = await startGantry(`scale${k}`, BASE, { GANTRY_ROLE: 'api' }, GC_ON_SIGNAL);
  const nodes: GantryNode[] = [{ base: g.base, port: BASE, child: g.child, stop: async () => undefined }];
  const others: { stop(): Promise<void> }[] = [];
  try {
    for (let i = 1; i < k; i++) {
      const n = await startNode(g, 'api', BASE + i, GC_ON_SIGNAL);
      nodes.push(n);
      others.push(n);
    }
    const workers: GantryNode[] = [];
    for (let i = 0; i < k; i++) {
      const w = await startNode(g, 'worker', BASE + 10 + i);
      workers.push(w);
      others.push(w);
    }
    const spreader = await startSpreader(
      BASE + 20,
      nodes.map((n) => n.port),
    );
    others.push(spreader);
    const edges: GantryNode[] = [];
    const pidsOf = (xs: { child: { pid?: number } }[]) => () => xs.map((x) => x.child.pid as number);
    const backends = await new DatabaseBackends(new URL(g.env.DATABASE_URL).pathname.slice(1)).start();
    others.push(backends);
    const meter = new CpuMeter({
      api: pidsOf(nodes),
      worker: pidsOf(workers),
      edge: pidsOf(edges),
      spreader: () => [spreader.child.pid as number],
      postgres: () => backends.pids,
      redis: redisPids,
      client: () => [process.pid],
    });

    const { sdkKey } = await setUp(g);
    const spread = `http://127.0.0.1:${spreader.port}`;
    // Warm-up of every node: the first seconds of a fresh process are JIT compilation.
    await ofrep(spread, sdkKey, meter, 5);
    const out: Partial<RoundResult> = { k };
    out.ofrep = await ofrep(spread, sdkKey, meter, DURATION);
    if (k === 1) {
      out.direct = await ofrep(g.base, sdkKey, meter, DURATION);
      out.bare = await bareOfrep(sdkKey);
    }

    // setUp turned flag-00 on; every PATCH must change it, or its stream event never comes.
    let on = true;
    const patch = async () => {
      on = !on;
      await g.api('PATCH', `/api/v1/projects/${PROJECT}/flags/flag-00`, {
        environmentKey: ENV,
        instructions: [{ kind: on ? 'turnFlagOn' : 'turnFlagOff' }],
        comment: 'scale-out bench',
      });
    };
    out.streams = await streams(spreader.port, sdkKey, nodes, 'gantry_sdk_streams', meter, patch);
    out.write = await writeCost(
      g,
      { project: PROJECT, env: ENV, flag: 'flag-01', writes: Number(process.env.BENCH_WRITES ?? 100) },
      meter,
    );

    if (EDGE && edgeBuilt()) {
      const token = await createRelayToken(g, PROJECT);
      for (let i = 0; i < k; i++) {
        // Each edge's upstream stream goes through the spreader, so K edges spread over K API nodes.
        const e = await startEdge(spread, token, BASE + 30 + i, GC_ON_SIGNAL);
        edges.push(e);
        others.push(e);
      }
      const edgeSpreader = await startSpreader(
        BASE + 40,
        edges.map((e) => e.port),
      );
      others.push(edgeSpreader);
      const edgeSpread = `http://127.0.0.1:${edgeSpreader.port}`;
      await ofrep(edgeSpread, sdkKey, meter, 5);
      const eo = await ofrep(edgeSpread, sdkKey, meter, DURATION);
      const es = await streams(edgeSpreader.port, sdkKey, edges, 'gantry_sdk_streams', meter, patch);
      out.edge = { ofrep: eo, streams: es };
    }

    await setUpPlan(g, PLAN_PHASES);
    meter.start();
    const plan = await runPlan(g, { runs: PLAN_RUNS, concurrency: 8, timeoutMs: 120_000 });
    out.plan = { ...plan, cpu: meter.stop() };
    return out as RoundResult;
  } finally {
    for (const o of others.reverse()) await o.stop();
    await g.stop();
  }
}

/** The machine's ceiling for this traffic: a bare node:http server answering the bulk bytes. */
async function bareOfrep(sdkKey: string): Promise<{ spread: OfrepRun; direct: OfrepRun }> {
  const port = BASE + 21;
  const body = await (
    await fetch(`http://127.0.0.1:${BASE}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
      body: bodies[1],
    })
  ).text();
  const bare = spawn(process.execPath, ['-e', BARE_OFREP_SERVER], {
    env: { ...process.env, BARE_PORT: String(port), BARE_BODY: body },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const spreader = await startSpreader(BASE + 22, [port]);
  try {
    await new Promise((resolve, reject) => {
      bare.stdout.once('data', resolve);
      bare.once('exit', reject);
    });
    const m = new CpuMeter({
      bare: () => [bare.pid as number],
      spreader: () => [spreader.child.pid as number],
      client: () => [process.pid],
    });
    await ofrep(`http://127.0.0.1:${port}`, sdkKey, m, 2);
    const direct = await ofrep(`http://127.0.0.1:${port}`, sdkKey, m, DURATION);
    const spread = await ofrep(`http://127.0.0.1:${spreader.port}`, sdkKey, m, DURATION);
    return { spread, direct };
  } finally {
    bare.kill();
    await spreader.stop();
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function report(results: RoundResult[]) {
  for (const r of results) {
    console.log(`\nK = ${r.k}: ${r.k} API node(s) behind the spreader, ${r.k} worker node(s)`);
    console.log(`  ${ofrepLine('OFREP bulk via the spreader', r.ofrep)}`);
    if (r.direct) console.log(`  ${ofrepLine('OFREP bulk straight to the node (no spreader)', r.direct)}`);
    if (r.bare) {
      console.log(`  ${ofrepLine('reference: bare node:http, direct', r.bare.direct)}`);
      console.log(`  ${ofrepLine('reference: bare node:http via the spreader', r.bare.spread)}`);
    }
    for (const l of streamsLines('streams via the spreader', r.streams)) console.log(`  ${l}`);
    const w = r.write;
    console.log(
      `  one write (${w.writes} sequential PATCHes, ${ms1(w.writeMs)} each): PostgreSQL ${w.xacts.toFixed(1)} transactions ` +
        `and ${w.rows.toFixed(1)} rows written; Redis ${w.publishes.toFixed(2)} publishes, ${w.redisCommands.toFixed(1)} commands ` +
        `(whole server); background taken off: ${w.idle.xactsPerS.toFixed(1)} transactions/s, ` +
        `${w.idle.redisPerS.toFixed(1)} Redis commands/s`,
    );
    console.log(`    CPU ${cpuLine(w.cpu, w.writes, 'write')}`);
    if (r.edge) {
      console.log(`  ${ofrepLine(`OFREP bulk via a spreader over ${r.k} edge node(s)`, r.edge.ofrep)}`);
      for (const l of streamsLines(`streams on ${r.k} edge node(s)`, r.edge.streams)) console.log(`  ${l}`);
    }
    const p = r.plan;
    console.log(
      `  release plan steps (${PLAN_RUNS} runs × ${PLAN_PHASES} phases): ${p.perSecond.toFixed(1)} steps/s ` +
        `(offered ≈ ${p.offered.toFixed(0)}), lateness p50 ${ms1(p.late.p50)}, p99 ${ms1(p.late.p99)}` +
        `${p.unfinished ? `, ${p.unfinished} runs unfinished` : ''}; CPU ${cpuLine(p.cpu, p.steps, 'step')}`,
    );
  }
  if (results.length < 2) return;
  const [a, b] = results;
  console.log(`\nratios K = ${b.k} / K = ${a.k} (same run):`);
  console.log(`  OFREP bulk req/s ${ratio(b.ofrep.rps, a.ofrep.rps)}; p99 ${ratio(b.ofrep.p99, a.ofrep.p99)}`);
  const sumHeld = (s: StreamsResult) => s.held.reduce((x, y) => x + y, 0);
  console.log(
    `  streams held ${sumHeld(a.streams)} → ${sumHeld(b.streams)}; ` +
      `propagation p50 ${ratio(pct(b.streams.latencies, 50), pct(a.streams.latencies, 50))}, ` +
      `p99 ${ratio(pct(b.streams.latencies, 99), pct(a.streams.latencies, 99))}`,
  );
  console.log(`  release plan steps/s ${ratio(b.plan.perSecond, a.plan.perSecond)}`);
  console.log(
    `  per write: PostgreSQL transactions ${a.write.xacts.toFixed(1)} → ${b.write.xacts.toFixed(1)}, Redis publishes ` +
      `${a.write.publishes.toFixed(2)} → ${b.write.publishes.toFixed(2)}`,
  );
  if (a.edge && b.edge) {
    console.log(`  edge OFREP bulk req/s ${ratio(b.edge.ofrep.rps, a.edge.ofrep.rps)}`);
    console.log(
      `  edge propagation p50 ${ratio(pct(b.edge.streams.latencies, 50), pct(a.edge.streams.latencies, 50))}, ` +
        `p99 ${ratio(pct(b.edge.streams.latencies, 99), pct(a.edge.streams.latencies, 99))}`,
    );
  }
}

async function main() {
  console.log(machineLine());
  const edge = EDGE && edgeBuilt();
  console.log(
    `scale-out: K API nodes behind a TCP spreader + K worker nodes${edge ? ' + K edge nodes' : ''}, one PostgreSQL, ` +
      `one Redis, all on these cores; ${CONNECTIONS} connections × ${DURATION} s of OFREP bulk, ${STREAMS} streams, ` +
      `${CHANGES} changes${EDGE && !edge ? '; edge parts NOT RUN: dist/ has no GANTRY_ROLE=edge' : ''}`,
  );
  const results: RoundResult[] = [];
  for (const k of NODES) {
    results.push(await round(k));
    console.log(`(K = ${k} done; ${machineLine()})`);
  }
  report(results);
  console.log(`\n${machineLine()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
