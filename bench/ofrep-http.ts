/**
 * OFREP over HTTP (DESIGN §7): one Gantry process from dist/, a project with 50 flags of mixed
 * shapes (rules, rollouts, segments, targets, off), loaded by autocannon in this process for a
 * bounded time: bulk (`POST /ofrep/v1/evaluate/flags`) and single (`POST .../flags/{key}`), each
 * request with one of 1,000 contexts in turn (and, for single, one of the 50 flags in turn).
 * Prints req/s, latency percentiles, errors and non-2xx, and the CPU the server and client used.
 * Two references under the same load, in the same run, say what this machine allows: Gantry's
 * cheapest route (GET /health/live) and a bare node:http server (another child process) answering
 * every POST with the bytes of a Gantry bulk response.
 * Knobs: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (32), BENCH_PORT (3391).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createProject, startGantry, type FlagView, type Gantry } from './lib/gantry';
import { cpuSeconds } from './lib/procs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PORT = Number(process.env.BENCH_PORT ?? 3391);
const FLAGS = 50;
const SEGMENTS = 5;
const CONTEXTS = 1000;
const PROJECT = 'ofrep';
const ENV = 'production';

type AutocannonRequest = autocannon.Request;

const COUNTRIES = ['us', 'ca', 'gb', 'de', 'fr', 'jp'];
const PLANS = ['free', 'pro', 'enterprise'];

export async function setUp(g: Gantry): Promise<{ sdkKey: string; flagKeys: string[] }> {
  const sdkKey = await createProject(g, PROJECT, ENV);
  const segBase = `/api/v1/projects/${PROJECT}/environments/${ENV}/segments`;
  for (let s = 0; s < SEGMENTS; s++) {
    const key = `seg-${s}`;
    await g.api('POST', segBase, { key, name: key, included: Array.from({ length: 50 }, (_, i) => `vip-${s}-${i}`) });
    await g.api('PATCH', `${segBase}/${key}`, {
      instructions: [
        {
          kind: 'addRule',
          clauses: [
            { attribute: 'plan', op: 'in', values: PLANS.slice(s % 2) },
            { attribute: 'country', op: 'in', values: COUNTRIES.slice(0, 3 + (s % 3)) },
          ],
        },
      ],
    });
  }
  const flagKeys: string[] = [];
  for (let i = 0; i < FLAGS; i++) {
    const key = `flag-${String(i).padStart(2, '0')}`;
    flagKeys.push(key);
    const shape = i % 10;
    const variations = shape === 5 ? [{ value: 'red' }, { value: 'green' }, { value: 'blue' }] : undefined;
    const flag = await g.api<FlagView>('POST', `/api/v1/projects/${PROJECT}/flags`, {
      key,
      name: key,
      ...(variations ? { variations } : {}),
    });
    const v = flag.variations.map((x) => x._id);
    const even = Object.fromEntries(
      v.map((id, n) => [
        id,
        n === 0 ? 100000 - Math.floor(100000 / v.length) * (v.length - 1) : Math.floor(100000 / v.length),
      ]),
    );
    const instructions: Record<string, unknown>[] = shape === 9 ? [] : [{ kind: 'turnFlagOn' }];
    switch (shape) {
      case 2:
      case 3: // three clauses
        instructions.push({
          kind: 'addRule',
          variationId: v[0],
          clauses: [
            { attribute: 'country', op: 'in', values: ['us', 'ca', 'gb'] },
            { attribute: 'email', op: 'endsWith', values: ['@example.com'] },
            { attribute: 'age', op: 'greaterThanOrEqual', values: [21] },
          ],
        });
        instructions.push({ kind: 'updateFallthroughVariationOrRollout', variationId: v[1] });
        break;
      case 4: // rollout
        instructions.push({ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: even });
        break;
      case 5: // a rule, then a three-way rollout
        instructions.push({
          kind: 'addRule',
          variationId: v[1],
          clauses: [{ attribute: 'plan', op: 'in', values: ['enterprise'] }],
        });
        instructions.push({ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: even });
        break;
      case 6:
      case 7: // segment
        instructions.push({
          kind: 'addRule',
          variationId: v[0],
          clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: [`seg-${i % SEGMENTS}`] }],
        });
        instructions.push({ kind: 'updateFallthroughVariationOrRollout', variationId: v[1] });
        break;
      case 8: // individual targets, then a rollout rule
        instructions.push({
          kind: 'addTargets',
          variationId: v[1],
          values: Array.from({ length: 20 }, (_, t) => `user-${t * 41}`),
        });
        instructions.push({
          kind: 'addRule',
          rolloutWeights: even,
          clauses: [{ attribute: 'beta', op: 'in', values: [true] }],
        });
        break;
      default: // static (0, 1) or off (9)
    }
    if (instructions.length)
      await g.api('PATCH', `/api/v1/projects/${PROJECT}/flags/${key}`, {
        environmentKey: ENV,
        instructions,
        comment: 'bench setup',
      });
  }
  return { sdkKey, flagKeys };
}

export const bodies = Array.from({ length: CONTEXTS }, (_, i) =>
  JSON.stringify({
    context: {
      targetingKey: `user-${i}`,
      email: i % 4 === 0 ? `user${i}@other.org` : `user${i}@example.com`,
      country: COUNTRIES[i % COUNTRIES.length],
      plan: PLANS[i % PLANS.length],
      age: 16 + (i % 40),
      beta: i % 3 === 0,
    },
  }),
);

async function load(
  base: string,
  pid: number,
  sdkKey: string,
  label: string,
  seconds: number,
  next: (req: AutocannonRequest) => AutocannonRequest,
  method = 'POST',
) {
  const server0 = cpuSeconds(pid);
  const client0 = process.cpuUsage();
  const r = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    requests: [{ method, setupRequest: next }],
  });
  const server = (cpuSeconds(pid) - server0) / r.duration;
  const c = process.cpuUsage(client0);
  const client = (c.user + c.system) / 1e6 / r.duration;
  return { label, r, server, client };
}

/** The machine's ceiling for this traffic: read the body, parse it, answer with fixed bytes. */
export const BARE_OFREP_SERVER = `
const body = process.env.BARE_BODY;
require('node:http').createServer((req, res) => {
  let data = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (data += c));
  req.on('end', () => { JSON.parse(data); res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
}).listen(Number(process.env.BARE_PORT), '127.0.0.1', () => process.stdout.write('ready'));
`;

async function main() {
  const load0 = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const g = await startGantry('ofrep', PORT);
  try {
    const { sdkKey, flagKeys } = await setUp(g);
    // One request of each kind, checked by eye: the load below only counts status codes.
    const post = (path: string) =>
      fetch(g.base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
        body: bodies[1],
      });
    const bulkRes = await post('/ofrep/v1/evaluate/flags');
    const bulkText = await bulkRes.text();
    const bulk = JSON.parse(bulkText) as { flags: { key: string; reason?: string; errorCode?: string }[] };
    const reasons: Record<string, number> = {};
    for (const f of bulk.flags)
      reasons[f.reason ?? f.errorCode ?? '?'] = (reasons[f.reason ?? f.errorCode ?? '?'] ?? 0) + 1;
    const singleRes = await post(`/ofrep/v1/evaluate/flags/${flagKeys[2]}`);
    const singleText = await singleRes.text();

    let n = 0;
    const bulkReq = (req: AutocannonRequest) => {
      req.path = '/ofrep/v1/evaluate/flags';
      req.body = bodies[n++ % CONTEXTS];
      return req;
    };
    const singleReq = (req: AutocannonRequest) => {
      req.path = `/ofrep/v1/evaluate/flags/${flagKeys[n % FLAGS]}`;
      req.body = bodies[n++ % CONTEXTS];
      return req;
    };
    const pid = g.child.pid as number;
    await load(g.base, pid, sdkKey, 'warm-up', 3, bulkReq);
    const runs = [
      await load(g.base, pid, sdkKey, 'bulk (50 flags)', DURATION, bulkReq),
      await load(g.base, pid, sdkKey, 'single', DURATION, singleReq),
      await load(
        g.base,
        pid,
        sdkKey,
        'ref: GET /health/live',
        DURATION,
        (req) => {
          req.path = '/health/live';
          req.body = undefined;
          return req;
        },
        'GET',
      ),
    ];
    const bare = spawn(process.execPath, ['-e', BARE_OFREP_SERVER], {
      env: { ...process.env, BARE_PORT: String(PORT + 1), BARE_BODY: bulkText },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise((resolve, reject) => {
        bare.stdout.once('data', resolve);
        bare.once('exit', reject);
      });
      await load(`http://127.0.0.1:${PORT + 1}`, bare.pid as number, sdkKey, 'warm-up', 2, bulkReq);
      runs.push(
        await load(
          `http://127.0.0.1:${PORT + 1}`,
          bare.pid as number,
          sdkKey,
          'ref: bare node:http',
          DURATION,
          bulkReq,
        ),
      );
    } finally {
      bare.kill();
    }

    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
        `load average at start ${load0}; server and autocannon (in this process) share the machine`,
    );
    console.log(
      `OFREP over HTTP, ${FLAGS} flags (${SEGMENTS} segments), ${CONTEXTS} contexts in turn, ` +
        `${CONNECTIONS} connections, ${DURATION} s per run`,
    );
    console.log(
      `  bulk response: ${bulkRes.status}, ${bulk.flags.length} flags, ${bulkText.length} bytes, ` +
        `reasons ${JSON.stringify(reasons)}`,
    );
    console.log(`  single response: ${singleRes.status} ${singleText}`);
    for (const { label, r, server, client } of runs) {
      const codes = r.statusCodeStats
        ? Object.entries(r.statusCodeStats)
            .map(([k, v]) => `${k}:${v.count}`)
            .join(' ')
        : '';
      console.log(
        `  ${label.padEnd(22)} ${r.requests.average.toFixed(0).padStart(6)} req/s (${r.requests.total} requests)` +
          `   p50 ${r.latency.p50} ms   p90 ${r.latency.p90} ms   p99 ${r.latency.p99} ms   max ${r.latency.max} ms`,
      );
      console.log(
        `  ${''.padEnd(22)} errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx} [${codes}]; ` +
          `CPU: server ${server.toFixed(2)} cores, client ${client.toFixed(2)} cores`,
      );
    }
    const b = runs[0].r;
    const vsBare = (b.requests.average / runs[3].r.requests.average).toFixed(2);
    const vsLive = (b.requests.average / runs[2].r.requests.average).toFixed(2);
    console.log(`  bulk / bare node:http = ${vsBare}; bulk / GET /health/live = ${vsLive} (req/s)`);
    const met = b.requests.average >= 5000 && b.latency.p99 <= 15 && b.non2xx === 0 && b.errors === 0;
    console.log(`  target (DESIGN §7): bulk ≥ 5,000 req/s with p99 ≤ 15 ms — ${met ? 'met' : 'NOT MET'}`);
  } finally {
    await g.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
