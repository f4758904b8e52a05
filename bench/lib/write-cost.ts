/**
 * What one governance write costs PostgreSQL and Redis: transactions and rows written in the
 * deployment's database (pg_stat_database), publishes on its Redis channels (counted by
 * subscribing to them), commands on the whole Redis server, and the CPU of each kind of process.
 */
import IORedis from 'ioredis';
import pg from 'pg';
import { sleep } from '../schedules';
import type { Gantry } from './gantry';
import type { CpuMeter } from './procs';

/** PostgreSQL (15) reports a backend's counters at most this long after it goes idle. */
const PG_STATS_IDLE_MS = 11_000;

/** Counters of the round's database (pg_stat_database) and of the whole Redis server. */
async function counters(db: pg.Client, redis: IORedis, name: string) {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const r = await db.query<{ x: string; rows: string }>(
    `SELECT xact_commit + xact_rollback AS x, tup_inserted + tup_updated + tup_deleted AS rows
       FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  const info = await redis.info('stats');
  return {
    at: Date.now(),
    xacts: Number(r.rows[0].x),
    rows: Number(r.rows[0].rows),
    redisCommands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN),
  };
}

export interface WriteCost {
  writes: number;
  xacts: number;
  rows: number;
  redisCommands: number;
  publishes: number;
  idle: { xactsPerS: number; rowsPerS: number; redisPerS: number };
  cpu: Record<string, number>;
  writeMs: number;
}

/**
 * What one governance write costs PostgreSQL and Redis. PostgreSQL's counters arrive late (a backend
 * reports at most ~10 s after it goes idle), so: an idle window gives the background rate, then
 * w.writes sequential PATCHes, then the same wait again; the background rate times the window is taken off.
 */
export async function writeCost(
  g: Gantry,
  w: { project: string; env: string; flag: string; writes: number },
  meter: CpuMeter,
): Promise<WriteCost> {
  const name = new URL(g.env.DATABASE_URL).pathname.slice(1);
  const db = new pg.Client({ connectionString: g.env.DATABASE_URL });
  const redis = new IORedis('redis://127.0.0.1:6379', { lazyConnect: true });
  const sub = new IORedis('redis://127.0.0.1:6379', { lazyConnect: true });
  await Promise.all([db.connect(), redis.connect(), sub.connect()]);
  let publishes = 0;
  sub.on('pmessage', () => (publishes += 1));
  await sub.psubscribe(`${g.env.GANTRY_REDIS_PREFIX}:env:*`);
  try {
    const a = await counters(db, redis, name);
    await sleep(PG_STATS_IDLE_MS);
    const b = await counters(db, redis, name);
    const idle = {
      xactsPerS: (b.xacts - a.xacts) / ((b.at - a.at) / 1000),
      rowsPerS: (b.rows - a.rows) / ((b.at - a.at) / 1000),
      redisPerS: (b.redisCommands - a.redisCommands) / ((b.at - a.at) / 1000),
    };
    publishes = 0;
    meter.start();
    const t0 = performance.now();
    for (let i = 0; i < w.writes; i++)
      await g.api('PATCH', `/api/v1/projects/${w.project}/flags/${w.flag}`, {
        environmentKey: w.env,
        instructions: [{ kind: i % 2 ? 'turnFlagOn' : 'turnFlagOff' }],
        comment: 'scale-out bench',
      });
    const writeMs = (performance.now() - t0) / w.writes;
    await sleep(500); // the relays publish after the commit
    const cpu = meter.stop();
    const pubs = publishes;
    await sleep(PG_STATS_IDLE_MS);
    const c = await counters(db, redis, name);
    const s = (c.at - b.at) / 1000;
    return {
      writes: w.writes,
      xacts: (c.xacts - b.xacts - idle.xactsPerS * s) / w.writes,
      rows: (c.rows - b.rows - idle.rowsPerS * s) / w.writes,
      redisCommands: (c.redisCommands - b.redisCommands - idle.redisPerS * s) / w.writes,
      publishes: pubs / w.writes,
      idle,
      cpu,
      writeMs,
    };
  } finally {
    await Promise.all([db.end(), redis.quit(), sub.quit()]).catch(() => undefined);
  }
}
