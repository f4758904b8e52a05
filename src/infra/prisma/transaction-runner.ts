import type { PoolClient } from 'pg';
import { TransactionClosedError, TransactionConnection } from './raw-connection';

/** A transaction's limits: to get a connection, and in all (transaction-errors.ts says what passing them means). */
export interface TransactionLimits {
  maxWait: number;
  timeout: number;
  /** Prisma's names (`RepeatableRead`…), as callers already pass them. */
  isolationLevel?: string;
}

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
 */
export async function runTransaction<T>(
  connect: () => Promise<PoolClient>,
  limits: TransactionLimits,
  body: (connection: TransactionConnection) => Promise<T>,
): Promise<T> {
  const level = limits.isolationLevel && ISOLATION[limits.isolationLevel];
  if (limits.isolationLevel && !level) throw new RangeError(`unknown isolation level ${limits.isolationLevel}`);
  const client = await connectWithin(connect, limits.maxWait);
  // A socket error on a connection taken from the pool has no listener there any more (pg-pool
  // listens on idle ones only): the statement in flight fails with it, and the connection is
  // dropped when it goes back.
  let broken: Error | undefined;
  const onError = (e: Error) => (broken ??= e);
  client.on('error', onError);
  const connection = new TransactionConnection(client, level ? `BEGIN ISOLATION LEVEL ${level}` : 'BEGIN');
  let givenUp: Promise<void> | undefined;
  const timer = setTimeout(() => (givenUp = connection.rollback()), limits.timeout);
  try {
    let value: T;
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
    await connection.commit();
    return value;
  } finally {
    client.removeListener('error', onError);
    client.release(broken ?? connection.unusable);
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
