/**
 * Release plan steps as a load: R flags started through a default plan of immediate phases
 * (trigger `previous`, a soak, turnFlagOn), one environment per phase. A step is a phase start,
 * a write through the one write path done by a worker; it is due when the previous phase's soak
 * ends. Shared by release-plan-steps.ts (1 vs 2 workers) and scale-out.ts.
 */
import pg from 'pg';
import { pool, sleep } from '../schedules';
import { pct, type FlagView, type Gantry } from './gantry';

export const PLAN_PROJECT = 'plans';
export const SOAK_MS = 1_000;
/** Runs are looked at once per PIPELINE_TICK_MS: lateness below this is the tick, not a backlog. */
const TICK_MS = 1_000;

export interface PlanResult {
  steps: number;
  /** Steps per second from the first phase start after every run had started to the last start. */
  perSecond: number;
  windowS: number;
  /** From the first start to the last. */
  overall: number;
  /** R / (soak + tick): what the runs ask for when nothing is late. */
  offered: number;
  startMs: number;
  /** Wall time from the first PUT to the last run completed (or the timeout). */
  wallMs: number;
  late: { p50: number; p99: number; max: number };
  unfinished: number;
  byStatus: Record<string, number>;
}

/** The project with one environment per phase and its default plan. */
export async function setUpPlan(g: Gantry, phases: number): Promise<void> {
  const envs = Array.from({ length: phases }, (_, i) => `e${i + 1}`);
  await g.api('POST', '/api/v1/projects', {
    key: PLAN_PROJECT,
    name: 'Plans',
    environments: envs.map((key) => ({ key, name: key })),
  });
  await g.api('POST', `/api/v1/projects/${PLAN_PROJECT}/release-plans`, {
    key: 'bench',
    name: 'Bench',
    default: true,
    phases: envs.map((environmentKey) => ({
      environmentKey,
      strategy: { kind: 'immediate' },
      soakMs: SOAK_MS,
      turnFlagOn: true,
    })),
  });
}

/** Creates R flags, starts each through the plan, waits until every run completed (or timeoutMs). */
export async function runPlan(
  g: Gantry,
  opts: { runs: number; concurrency: number; timeoutMs: number; prefix?: string },
): Promise<PlanResult> {
  const { runs, concurrency } = opts;
  const prefix = opts.prefix ?? 'f';
  const db = new pg.Client({ connectionString: g.env.DATABASE_URL });
  await db.connect();
  try {
    const flags: FlagView[] = new Array(runs);
    await pool(runs, concurrency, async (i) => {
      flags[i] = await g.api<FlagView>('POST', `/api/v1/projects/${PLAN_PROJECT}/flags`, {
        key: `${prefix}-${i}`,
        name: `${prefix} ${i}`,
      });
    });
    const t0 = Date.now();
    await pool(runs, concurrency, async (i) => {
      await g.api('PUT', `/api/v1/projects/${PLAN_PROJECT}/flags/${flags[i].key}/release`, {
        variationId: flags[i].variations[1]._id,
      });
    });
    const startMs = Date.now() - t0;
    const deadline = Date.now() + opts.timeoutMs;
    let left = runs;
    while (Date.now() < deadline) {
      const r = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "PipelineRun" WHERE "status" <> 'completed'`);
      left = Number(r.rows[0].n);
      if (left === 0) break;
      await sleep(250);
    }
    const wallMs = Date.now() - t0;
    const rows = await db.query<{ audiences: { startedAt?: string }[]; status: string }>(
      `SELECT "audiences", "status" FROM "PipelineRun"`,
    );
    const byStatus: Record<string, number> = {};
    for (const r of rows.rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const starts: number[] = [];
    const late: number[] = [];
    for (const { audiences } of rows.rows) {
      audiences.forEach((a, i) => {
        if (a.startedAt) starts.push(Date.parse(a.startedAt));
        const before = audiences[i - 1];
        // An immediate phase soaks from its start: due = the previous start + SOAK_MS.
        if (i > 0 && a.startedAt && before?.startedAt)
          late.push(Date.parse(a.startedAt) - (Date.parse(before.startedAt) + SOAK_MS));
      });
    }
    starts.sort((a, b) => a - b);
    late.sort((a, b) => a - b);
    // The busy window: from the first phase start after every run began (load fully offered) to the last start.
    const from = t0 + startMs;
    const inWindow = starts.filter((t) => t >= from);
    const windowS = inWindow.length ? (inWindow[inWindow.length - 1] - from) / 1000 : NaN;
    return {
      steps: starts.length,
      perSecond: inWindow.length / windowS,
      windowS,
      overall: starts.length / ((starts[starts.length - 1] - starts[0]) / 1000),
      offered: runs / ((SOAK_MS + TICK_MS) / 1000),
      startMs,
      wallMs,
      late: { p50: pct(late, 50), p99: pct(late, 99), max: late[late.length - 1] },
      unfinished: left,
      byStatus,
    };
  } finally {
    await db.end().catch(() => undefined);
  }
}
