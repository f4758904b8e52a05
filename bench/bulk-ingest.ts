/**
 * SDK event ingestion (issue 13 §4): one Gantry process from dist/, loaded with `POST /bulk` by
 * autocannon in this process for a bounded time, two kinds of body as LaunchDarkly server SDKs send:
 *  - summaries: one summary event of 50 flags × 2 variations (100 counters), the whole of what an
 *    SDK evaluated in a flush interval; counted into per-minute aggregates, no row per event;
 *  - feature events of a flag in a guarded release: 20 full feature events per request, stored as
 *    rows while the release's guard (held in its stage by a sample it never reaches) reads them
 *    again every few seconds in the same process;
 *  - feature events of flags no guard reads: the same body for other flags, received and dropped.
 * Prints requests/s, counters/s or events/s, server CPU per 1,000 counters or events, rows written
 * per 1,000 (both tables counted after the node's last flush), and the server's memory at the end.
 * The reference, in the same run: a bare node:http server (another child process) that reads and
 * parses the same bodies and answers 202.
 * Knobs: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (16), BENCH_PORT (3395).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { createProject, startGantry, type FlagView, type Gantry } from './lib/gantry';
import { cpuSeconds } from './lib/procs';
import { sleep } from './schedules';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PORT = Number(process.env.BENCH_PORT ?? 3395);
const FLAGS = 50;
const FEATURE_EVENTS = 20;
const FLUSH_MS = 1_000;

function summaryBody(): string {
  const now = Date.now();
  const features: Record<string, unknown> = {};
  for (let f = 0; f < FLAGS; f++)
    features[`flag-${f}`] = {
      default: false,
      contextKinds: ['user'],
      counters: [
        { variation: 0, version: 3, value: false, count: 7 + f },
        { variation: 1, version: 3, value: true, count: 3 },
      ],
    };
  return JSON.stringify([{ kind: 'summary', startDate: now - 5_000, endDate: now, features }]);
}

function featureBody(flagKey?: string): string {
  const now = Date.now();
  return JSON.stringify(
    Array.from({ length: FEATURE_EVENTS }, (_, i) => ({
      kind: 'feature',
      creationDate: now,
      key: flagKey ?? `flag-${i % FLAGS}`,
      version: 3,
      variation: i % 2,
      value: i % 2 === 1,
      default: false,
      context: { kind: 'user', key: `user-${i}` },
    })),
  );
}

async function load(base: string, pid: number, sdkKey: string, body: string, seconds: number) {
  const server0 = cpuSeconds(pid);
  const r = await autocannon({
    url: `${base}/bulk`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { authorization: sdkKey, 'content-type': 'application/json', 'user-agent': 'NodeJSClient/9.13.7' },
    body,
  });
  return { r, serverCores: (cpuSeconds(pid) - server0) / r.duration };
}

const BARE_SERVER = `
require('node:http').createServer((req, res) => {
  let data = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (data += c));
  req.on('end', () => { JSON.parse(data); res.writeHead(202); res.end(); });
}).listen(Number(process.env.BARE_PORT), '127.0.0.1', () => process.stdout.write('ready'));
`;

const GUARDED = 'guarded';

/** A guarded release of GUARDED that never has enough data: its guard reads the events every few seconds. */
async function guardedRelease(g: Gantry): Promise<void> {
  await g.api('POST', '/api/v1/projects/bulk/metrics', {
    key: 'checkout-error',
    name: 'Checkout errors',
    kind: 'count',
    direction: 'lower_is_better',
    threshold: 0.1,
  });
  const flag = await g.api<FlagView>('POST', '/api/v1/projects/bulk/flags', { key: GUARDED, name: GUARDED });
  await g.api('POST', `/api/v1/projects/bulk/flags/${GUARDED}/environments/production/releases`, {
    toVariationId: flag.variations[1]._id,
    stages: [
      { weight: 50_000, durationMs: 1_000 },
      { weight: 100_000, durationMs: 1_000 },
    ],
    guard: { metrics: ['checkout-error'], minSamplePerArm: 1_000_000 },
  });
}

async function main() {
  const load0 = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const g = await startGantry('bulk', PORT, { GANTRY_INSIGHTS_FLUSH_MS: String(FLUSH_MS) });
  const db = new pg.Client({
    connectionString: `postgresql://postgres@127.0.0.1:5432/gantry_bench_bulk_${process.pid}`,
  });
  try {
    await db.connect();
    const sdkKey = await createProject(g, 'bulk');
    await guardedRelease(g);
    const pid = g.child.pid as number;
    const rows = async () => {
      const [c, e] = await Promise.all([
        db.query<{ n: string }>('SELECT count(*) AS n FROM "FlagEvaluationCount"'),
        db.query<{ n: string }>('SELECT count(*) AS n FROM "SdkEvent"'),
      ]);
      return { counts: Number(c.rows[0].n), events: Number(e.rows[0].n) };
    };
    await load(g.base, pid, sdkKey, summaryBody(), 2); // warm-up

    const results: {
      label: string;
      unit: string;
      perRequest: number;
      reqs: number;
      rps: number;
      cores: number;
      rowsPer1k: number;
      p99: number;
      non2xx: number;
    }[] = [];
    for (const [label, body, unit, perRequest] of [
      ['summaries (100 counters)', summaryBody(), 'counters', FLAGS * 2],
      [`guarded feature events (${FEATURE_EVENTS})`, featureBody(GUARDED), 'events', FEATURE_EVENTS],
      [`other feature events (${FEATURE_EVENTS})`, featureBody(), 'events', FEATURE_EVENTS],
    ] as const) {
      const before = await rows();
      const { r, serverCores } = await load(g.base, pid, sdkKey, body, DURATION);
      await sleep(FLUSH_MS * 3); // the node's last flush
      const after = await rows();
      const written = after.counts - before.counts + (after.events - before.events);
      const units = r.requests.total * perRequest;
      results.push({
        label,
        unit,
        perRequest,
        reqs: r.requests.total,
        rps: r.requests.average,
        cores: serverCores,
        rowsPer1k: (written / units) * 1000,
        p99: r.latency.p99,
        non2xx: r.non2xx,
      });
    }
    const rssMiB = g.rssKiB() / 1024;

    const bare = spawn(process.execPath, ['-e', BARE_SERVER], {
      env: { ...process.env, BARE_PORT: String(PORT + 1) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let bareRps = NaN;
    try {
      await new Promise((resolve, reject) => {
        bare.stdout.once('data', resolve);
        bare.once('exit', reject);
      });
      await load(`http://127.0.0.1:${PORT + 1}`, bare.pid as number, sdkKey, summaryBody(), 2);
      bareRps = (await load(`http://127.0.0.1:${PORT + 1}`, bare.pid as number, sdkKey, summaryBody(), DURATION)).r
        .requests.average;
    } finally {
      bare.kill();
    }

    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
        `load average at start ${load0}; server and autocannon (in this process) share the machine`,
    );
    console.log(`POST /bulk, ${CONNECTIONS} connections, ${DURATION} s per run, insights flushed every ${FLUSH_MS} ms`);
    for (const x of results) {
      const perSecond = x.rps * x.perRequest;
      console.log(
        `  ${x.label.padEnd(26)} ${x.rps.toFixed(0).padStart(6)} req/s = ${perSecond.toFixed(0).padStart(7)} ${x.unit}/s` +
          `   p99 ${x.p99} ms   non-2xx ${x.non2xx}   server ${x.cores.toFixed(2)} cores` +
          ` = ${((x.cores / perSecond) * 1e6).toFixed(1)} µs CPU per ${x.unit.slice(0, -1)}` +
          `   rows written per 1,000 ${x.unit}: ${x.rowsPer1k.toFixed(2)}`,
      );
    }
    console.log(
      `  ref: bare node:http      ${bareRps.toFixed(0).padStart(6)} req/s (reads and parses the summary body)`,
    );
    console.log(
      `  summaries / bare node:http = ${(results[0].rps / bareRps).toFixed(2)} (req/s); server RSS at the end ${rssMiB.toFixed(0)} MiB`,
    );
  } finally {
    await db.end().catch(() => undefined);
    await g.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
