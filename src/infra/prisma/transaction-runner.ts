import type { PoolClient } from 'pg';
import { isDatabaseUnavailable } from './prisma-errors';
import { TransactionClosedError, TransactionConnection } from './raw-connection';

/** A transaction's limits: to get a connection, and in all (transaction-errors.ts says what passing them means). */
export interface TransactionLimits {
  maxWait: number;
  timeout: number;
  /** Prisma's names (`RepeatableRead`…), as callers already pass them. */
  isolationLevel?: string;
}

/** What became of a transaction whose COMMIT went out and whose answer never came back. */
export type LostCommitOutcome = 'committed' | 'aborted' | 'unknown';

/** Told of each lost COMMIT once its outcome is known, or given up on (for the log). */
export type LostCommitListener = (xid: string, outcome: LostCommitOutcome, error: Error) => void;

/** How often PostgreSQL is asked again about a lost COMMIT while it cannot say yet (or cannot be reached). */
const OUTCOME_RETRY_MS = 250;

/** Waited `maxWait` for a connection: the transaction never started. */
export class TransactionNotStartedError extends Error {
  constructor(maxWait: number) {
    super(`Unable to start a transaction in the given time (${maxWait} ms waiting for a connection)`);
    this.name = 'TransactionNotStartedError';
  }
}

const ISOLATION: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/**
 * Runs `body` in one transaction on a connection of its own, and commits when it resolves (rolls
 * back when it throws). Opened here on the pool rather than with Prisma's `$transaction`: its
 * interactive-transaction machinery cost a flag write some 7–10% of its CPU while none of the write's
 * statements went through Prisma (bench/README.md). Prisma joins the transaction only when one of
 * its statements is asked for (lent-prisma.ts).
 *
 * At `timeout` the transaction is given up as Prisma gave up its own: the connection refuses
 * further statements, a ROLLBACK goes after the statement in flight, and the transaction fails
 * with TransactionClosedError once `body` settles, whatever `body` returned. A COMMIT already sent
 * finishes first and counts.
 *
 * A COMMIT whose connection is lost before its answer (a reset link, a killed backend) may have
 * committed or not. Refusing such a write would tell its caller a change was not made when it may
 * have been, so when the transaction has an id (TransactionConnection.xid) PostgreSQL is asked,
 * on another connection, what became of it (`pg_xact_status`), again and again for up to
 * `timeout` while it cannot say or cannot be reached: committed, the transaction succeeds;
 * aborted or still unknown then, it fails with the connection's error.
 */
export async function runTransaction<T>(
  connect: () => Promise<PoolClient>,
  limits: TransactionLimits,
  body: (connection: TransactionConnection) => Promise<T>,
  onLostCommit?: LostCommitListener,
): Promise<T> {
  const level = limits.isolationLevel && ISOLATION[limits.isolationLevel];
  if (limits.isolationLevel && !level) throw new RangeError(`unknown isolation level ${limits.isolationLevel}`);
  const client = await connectWithin(connect, limits.maxWait);
  const held = holdOutsidePool(client);
  const connection = new TransactionConnection(client, level ? `BEGIN ISOLATION LEVEL ${level}` : 'BEGIN');
  let givenUp: Promise<void> | undefined;
  const timer = setTimeout(() => (givenUp = connection.rollback()), limits.timeout);
  let value: T;
  let lost: { error: Error; xid: string } | undefined;
  try {
    try {
      value = await body(connection);
    } catch (e) {
      clearTimeout(timer);
      if (givenUp) throw await givenUp.then(() => new TransactionClosedError());
      await connection.rollback();
      throw e;
    }
    clearTimeout(timer);
    if (givenUp) throw await givenUp.then(() => new TransactionClosedError());
    try {
      await connection.commit();
    } catch (e) {
      if (!connection.xid || !isDatabaseUnavailable(e)) throw e;
      lost = { error: e as Error, xid: connection.xid };
    }
  } finally {
    held.release(connection.unusable);
  }
  if (!lost) return value;
  // Asked after the dead connection went back, so that a full pool still has one to ask on.
  const outcome = await outcomeOf(connect, lost.xid, limits.timeout);
  onLostCommit?.(lost.xid, outcome, lost.error);
  if (outcome === 'committed') return value;
  throw lost.error;
}

/**
 * `pg_xact_status` of a transaction, asked until it is committed or aborted, for at most `forMs`
 * (a backend still finishing its COMMIT says in progress; an unreachable server says nothing).
 */
async function outcomeOf(connect: () => Promise<PoolClient>, xid: string, forMs: number): Promise<LostCommitOutcome> {
  const until = Date.now() + forMs;
  for (;;) {
    try {
      const status = await statusOf(await connect(), xid);
      if (status === 'committed' || status === 'aborted') return status;
      // NULL: too old for PostgreSQL to remember, which a transaction this recent cannot be.
      if (status === null) return 'unknown';
    } catch {
      // Unreachable for now: asked again until the deadline.
    }
    if (Date.now() + OUTCOME_RETRY_MS > until) return 'unknown';
    await new Promise((resolve) => setTimeout(resolve, OUTCOME_RETRY_MS));
  }
}

/** A connection from the pool, or TransactionNotStartedError after `maxWait` (the connection, when it comes later, goes back). */
function connectWithin(connect: () => Promise<PoolClient>, maxWait: number): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new TransactionNotStartedError(maxWait));
    }, maxWait);
    connect().then(
      (client) => {
        if (late) return client.release();
        clearTimeout(timer);
        resolve(client);
      },
      (e: Error) => {
        clearTimeout(timer);
        if (!late) reject(e);
      },
    );
  });
}

/** One ask, on a connection that goes back to the pool after (dropped if the ask failed on it). */
async function statusOf(client: PoolClient, xid: string): Promise<string | null> {
  const held = holdOutsidePool(client);
  let failed: Error | undefined;
  try {
    const { rows } = await client.query<{ status: string | null }>('SELECT pg_xact_status($1::xid8) AS status', [xid]);
    return rows[0]?.status ?? null;
  } catch (e) {
    failed = e as Error;
    throw e;
  } finally {
    held.release(failed);
  }
}

/**
 * A connection taken from the pool, listened to while it is out: pg-pool listens on idle ones
 * only, so a socket error there would be an unhandled 'error' event, which ends the process (the
 * statement in flight fails with it anyway). `release` gives it back, dropped if its socket failed
 * or `unusable` says it must not be reused.
 */
function holdOutsidePool(client: PoolClient): { release(unusable?: Error): void } {
  let broken: Error | undefined;
  const onError = (e: Error) => (broken ??= e);
  client.on('error', onError);
  return {
    release: (unusable) => {
      client.removeListener('error', onError);
      client.release(broken ?? unusable);
    },
  };
}
