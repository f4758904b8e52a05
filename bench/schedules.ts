/**
 * Scheduled changes (DESIGN §7: fire p99 ≤ 100 ms late, never early). One Gantry process with
 * role `all` (API and worker together), started from dist/ on a scratch database.
 *
 * (1) spread: N schedules (default 1,000) on 20 flags, each an `addTargets` of its own user key (so
 *     every one is a real write), due uniformly over a 60 s window that opens ~15 s after the last
 *     one is created; (2) burst: N more, all due at the same instant. For each: lateness
 *     (appliedAt − executionDate, both written by Gantry, read from PostgreSQL), how many fired
 *     early, and throughput. Bounded: 2N schedules in all, loopback only.
 */
import os from 'node:os';
import IORedis from 'ioredis';
import pg from 'pg';
import { pct, startGantry, type FlagView, type Gantry } from './lib/gantry';
import { cpuSeconds } from './lib/procs';

const N = Number(process.env.BENCH_SCHEDULES ?? 1000);
const FLAGS = Number(process.env.BENCH_FLAGS ?? 20);
const WINDOW_MS = Number(process.env.BENCH_SPREAD_MS ?? 60_000);
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 15_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PORT = Number(process.env.BENCH_PORT ?? 3393);
const NAME = 'sched';
const PROJECT = 'bench';
const ENV = 'production';
// startGantry names its scratch database this way; the benchmark reads the results from it directly.
const DB_URL = `postgresql://postgres@127.0.0.1:5432/gantry_bench_${NAME}_${process.pid}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const f1 = (n: number) => n.toFixed(1);

/** Runs fn(0..count-1) with at most `limit` in flight. */
export async function pool(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

interface Row {
  id: string;
  status: string;
  due: number;
  applied: number | null;
  txStart: number | null;
  active?: number;
}

/** One row per schedule of a variant: times in epoch ms; txStart is the FlagVersion's createdAt (PostgreSQL's transaction start). */
async function rows(db: pg.Client, comment: string): Promise<Row[]> {
  const r = await db.query<Row>(
    `
    SELECT sc."id" AS id, sc."status" AS status,
           extract(epoch FROM sc."executionDate") * 1000 AS due,
           extract(epoch FROM sc."appliedAt") * 1000 AS applied,
           extract(epoch FROM fv."createdAt") * 1000 AS "txStart"
    FROM "ScheduledChange" sc
    JOIN "Environment" e ON e."id" = sc."environmentId"
    LEFT JOIN "Flag" f ON f."projectId" = e."projectId" AND f."key" = sc."flagKey"
    LEFT JOIN "FlagEnvironment" fe ON fe."flagId" = f."id" AND fe."environmentId" = sc."environmentId"
    LEFT JOIN "FlagVersion" fv ON fv."flagEnvironmentId" = fe."id" AND fv."version" = sc."appliedVersion"
    WHERE sc."comment" = $1`,
    [comment],
  );
  return r.rows.map((x) => ({
    id: x.id,
    status: x.status,
    due: Number(x.due),
    applied: x.applied === null ? null : Number(x.applied),
    txStart: x.txStart === null ? null : Number(x.txStart),
  }));
}

async function pendingCount(db: pg.Client, comment: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM "ScheduledChange" WHERE "comment" = $1 AND "status" = 'pending'`,
    [comment],
  );
  return Number(r.rows[0].n);
}

/** Creates `count` schedules (flag i % FLAGS, user key `${tag}-${i}`, due at due(i)); returns the wall time taken. */
async function createSchedules(
  g: Gantry,
  flags: FlagView[],
  count: number,
  tag: string,
  comment: string,
  due: (i: number) => number,
): Promise<number> {
  const t0 = Date.now();
  await pool(count, CONCURRENCY, async (i) => {
    const flag = flags[i % flags.length];
    await g.api('POST', `/api/v1/projects/${PROJECT}/flags/${flag.key}/environments/${ENV}/scheduled-changes`, {
      instructions: [{ kind: 'addTargets', variationId: flag.variations[0]._id, values: [`${tag}-${i}`] }],
      executionDate: new Date(due(i)).toISOString(),
      comment,
    });
  });
  return Date.now() - t0;
}

/** Polls until none of the variant's schedules is pending, or until the deadline. */
async function waitApplied(db: pg.Client, comment: string, deadline: number): Promise<number> {
  for (;;) {
    const pending = await pendingCount(db, comment);
    if (pending === 0 || Date.now() > deadline) return pending;
    await sleep(500);
  }
}

/**
 * When BullMQ handed each job to the worker: the `active` entries of the queue's event stream
 * (Redis stream ids are Redis's clock in ms), read every 250 ms so the capped stream never drops one
 * before it is read. Only the first activation of a job id is kept.
 */
export class ActiveJobs {
  readonly at = new Map<string, number>();
  private readonly redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  private last = '0-0';
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private stopped = false;

  constructor(private readonly key: string) {}

  start(): void {
    this.timer = setInterval(() => {
      this.reading ??= this.read().finally(() => {
        this.reading = undefined;
      });
    }, 250);
  }

  private async read(): Promise<void> {
    for (;;) {
      const entries = await this.redis.xrange(this.key, `(${this.last}`, '+', 'COUNT', 5000);
      for (const [id, fields] of entries) {
        this.last = id;
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
        if (f.event === 'active' && f.jobId && !this.at.has(f.jobId)) this.at.set(f.jobId, Number(id.split('-')[0]));
      }
      if (entries.length < 5000) return;
    }
  }

  /** Reads what is left, then stops. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    try {
      await this.reading;
      await this.read();
    } finally {
      this.redis.disconnect();
    }
  }
}

/** Most events in any `spanMs` window of sorted times. */
export function busiest(sorted: number[], spanMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= spanMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** The first time the worker took each schedule's alarm job (job id `scheduled-change-<id>-<due ms>`). */
function withActive(rs: Row[], jobs: ActiveJobs): Row[] {
  const byId = new Map<string, number>();
  for (const [jobId, at] of jobs.at) {
    const m = /^scheduled-change-([0-9a-f-]{36})-\d+$/.exec(jobId);
    if (m && !byId.has(m[1])) byId.set(m[1], at);
  }
  return rs.map((r) => ({ ...r, active: byId.get(r.id) }));
}

function describe(rs: Row[]) {
  const applied = rs.filter((r) => r.status === 'applied' && r.applied !== null);
  const picked = applied.filter((r) => r.active !== undefined && r.txStart !== null);
  const pickup = picked.map((r) => r.active! - r.due).sort((a, b) => a - b);
  const handler = picked.map((r) => r.txStart! - r.active!).sort((a, b) => a - b);
  const late = applied.map((r) => r.applied! - r.due).sort((a, b) => a - b);
  const write = applied
    .filter((r) => r.txStart !== null)
    .map((r) => r.applied! - r.txStart!)
    .sort((a, b) => a - b);
  const times = applied.map((r) => r.applied!).sort((a, b) => a - b);
  return {
    total: rs.length,
    applied: applied.length,
    failed: rs.filter((r) => r.status === 'failed').length,
    pending: rs.filter((r) => r.status === 'pending').length,
    early: late.filter((l) => l < 0).length,
    late,
    write,
    times,
    pickup,
    handler,
  };
}

const line = (name: string, xs: number[]) =>
  xs.length
    ? `  ${name}: p50 ${f1(pct(xs, 50))} ms   p90 ${f1(pct(xs, 90))} ms   p99 ${f1(pct(xs, 99))} ms   max ${f1(xs[xs.length - 1])} ms`
    : `  ${name}: (none)`;

async function main() {
  const g = await startGantry(NAME, PORT, { GANTRY_ROLE: 'all' });
  const db = new pg.Client({ connectionString: DB_URL });
  const jobs = new ActiveJobs(`gbench_${NAME}_${process.pid}:bull:changes:events`);
  try {
    await db.connect();
    jobs.start();
    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`,
    );
    console.log('gantry: one process, GANTRY_ROLE=all (API and worker together)');
    await g.api('POST', '/api/v1/projects', {
      key: PROJECT,
      name: 'Bench',
      environments: [{ key: ENV, name: 'Production' }],
    });
    const flags: FlagView[] = [];
    for (let f = 0; f < FLAGS; f++)
      flags.push(
        await g.api<FlagView>('POST', `/api/v1/projects/${PROJECT}/flags`, { key: `sched-${f}`, name: `sched ${f}` }),
      );
    const warm = await g.api<FlagView>('POST', `/api/v1/projects/${PROJECT}/flags`, { key: 'warmup', name: 'warmup' });

    // Warm-up, and the creation rate that places the windows: schedules an hour away on another flag.
    const WARM = 50;
    const warmMs = await createSchedules(g, [warm], WARM, 'warm', 'bench-warmup', () => Date.now() + 3_600_000);
    const estimate = (count: number) => Math.ceil((warmMs / WARM) * count * 1.2) + 2_000;
    console.log(
      `creation rate in the warm-up: ${(WARM / (warmMs / 1000)).toFixed(0)} schedules/s at ${CONCURRENCY} concurrent requests`,
    );

    const report = (d: ReturnType<typeof describe>, pending: number) => {
      console.log(
        `  applied ${d.applied} / ${d.total}, failed ${d.failed}, still pending ${pending}, applied early (lateness < 0) ${d.early}`,
      );
      console.log(line('lateness (appliedAt − executionDate)', d.late));
      console.log(line('  due → job taken by the worker (BullMQ)', d.pickup));
      console.log(line('  taken → write transaction began', d.handler));
      console.log(line('  write transaction began → appliedAt', d.write));
      if (d.pickup.length < d.applied)
        console.log(`  (${d.applied - d.pickup.length} applied without a matching job activation in the event stream)`);
    };
    const warnIfLate = (slack: number) => {
      if (slack < 5_000)
        console.log(
          `  WARNING: creation ended only ${f1(slack / 1000)} s before the first was due; the API load overlapped the firing`,
        );
    };

    // (1) spread over WINDOW_MS.
    let start = Date.now() + estimate(N) + LEAD_MS;
    const spreadMs = await createSchedules(
      g,
      flags,
      N,
      'user',
      'bench-spread',
      (i) => start + Math.floor((i * WINDOW_MS) / N),
    );
    let slack = start - Date.now();
    console.log(
      `\nspread: ${N} schedules on ${FLAGS} flags, due uniformly over ${WINDOW_MS / 1000} s; ` +
        `created in ${f1(spreadMs / 1000)} s, the first due ${f1(slack / 1000)} s after the last was created`,
    );
    warnIfLate(slack);
    let pending = await waitApplied(db, 'bench-spread', start + WINDOW_MS + 60_000);
    await sleep(500);
    let d = describe(withActive(await rows(db, 'bench-spread'), jobs));
    const span = d.times.length > 1 ? (d.times[d.times.length - 1] - d.times[0]) / 1000 : NaN;
    report(d, pending);
    console.log(
      `  throughput: busiest 5 s ${f1(busiest(d.times, 5000) / 5)} applied/s, ` +
        `overall ${f1(d.applied / span)} applied/s over ${f1(span)} s (offered ${f1(N / (WINDOW_MS / 1000))}/s)`,
    );
    console.log(`  load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)}`);

    // (2) burst: all due at the same instant.
    start = Date.now() + estimate(N) + LEAD_MS;
    const burstMs = await createSchedules(g, flags, N, 'burst', 'bench-burst', () => start);
    slack = start - Date.now();
    console.log(
      `\nburst: ${N} schedules on ${FLAGS} flags, all due at one instant; ` +
        `created in ${f1(burstMs / 1000)} s, due ${f1(slack / 1000)} s after the last was created`,
    );
    warnIfLate(slack);
    await sleep(start - Date.now());
    const cpu0 = cpuSeconds(g.child.pid!);
    const wall0 = Date.now();
    pending = await waitApplied(db, 'bench-burst', start + 180_000);
    const cores = (cpuSeconds(g.child.pid!) - cpu0) / ((Date.now() - wall0) / 1000);
    await sleep(500);
    d = describe(withActive(await rows(db, 'bench-burst'), jobs));
    const drain = d.times.length ? d.times[d.times.length - 1] - start : NaN;
    report(d, pending);
    console.log(
      `  first applied ${f1(d.late[0] ?? NaN)} ms after due; ` +
        `drain (last appliedAt − due) ${f1(drain / 1000)} s = ${f1(d.applied / (drain / 1000))} schedules/s; ` +
        `busiest 1 s ${busiest(d.times, 1000)} applied`,
    );
    console.log(
      `  Gantry process CPU while draining: ${cores.toFixed(2)} cores; load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)}`,
    );
  } finally {
    await jobs.stop().catch(() => undefined);
    await db.end().catch(() => undefined);
    await g.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
