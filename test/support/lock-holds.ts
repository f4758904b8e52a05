/**
 * Holding a point of Gantry's work with PostgreSQL's own locks, from a test's connection (no test
 * hook in Gantry): the test takes a lock a worker will need, waits until the worker's backend waits
 * on it, kills the worker there, and waits until the killed backend is gone (its transaction rolled
 * back). Used by the worker kill tests (test/e2e/faults/worker-kill*.spec.ts).
 */
import pg from 'pg';
import { eventually } from './delivery';

export interface Hold {
  /** The holding connection's backend pid. */
  pid: number;
  /** Rolls back the holding transaction (every lock goes) and closes its connection. */
  release(): Promise<void>;
}

type Sql = <R extends pg.QueryResultRow>(text: string, params?: unknown[]) => Promise<R[]>;

/** Runs `statements` in a transaction of a connection of its own and keeps it open until release(). */
export async function hold(databaseUrl: string, statements: { text: string; params?: unknown[] }[]): Promise<Hold> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const [{ pid }] = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  await c.query('BEGIN');
  for (const s of statements) await c.query(s.text, s.params);
  return {
    pid,
    release: async () => {
      await c.query('ROLLBACK');
      await c.end();
    },
  };
}

/**
 * The pids of the backends waiting on the hold's locks, once there are at least `atLeast` of them
 * (whose statement matches `queryLike`, when given).
 */
export const waitingOn = (sql: Sql, h: Hold, { atLeast = 1, queryLike = '%' } = {}) =>
  eventually(
    async () => {
      const rows = await sql<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND $1 = ANY(pg_blocking_pids(pid)) AND query ILIKE $2`,
        [h.pid, queryLike],
      );
      if (rows.length < atLeast)
        throw new Error(`${rows.length} of ${atLeast} backends wait on the test's locks (${queryLike})`);
      return rows.map((r) => r.pid);
    },
    { timeoutMs: 20_000 },
  );

/** Waits until the given backends have ended (a killed worker's transactions rolled back). */
export const backendsEnded = (sql: Sql, pids: number[]) =>
  eventually(
    async () => {
      const rows = await sql(`SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [pids]);
      if (rows.length) throw new Error(`${rows.length} backends of the killed worker still open`);
    },
    { timeoutMs: 20_000 },
  );
