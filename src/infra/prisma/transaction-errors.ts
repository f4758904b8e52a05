import { TransactionClosedError } from './raw-connection';
import { TransactionNotStartedError } from './transaction-runner';

/**
 * A transaction's limits (`maxWait` to get one started, `timeout` in all: transaction-runner.ts,
 * and Prisma's own for its side of one). A transaction that could not start in time never ran; one
 * that ran past its timeout was rolled back before any commit (the rollback queues behind the
 * statement in progress, so a commit already under way finishes first and then counts). Either way
 * nothing was written. With PostgreSQL slow to answer (network latency, a saturated server) that
 * is a passing condition: the request is refused with 503 `unavailable`, like an unreachable
 * database, not failed with a 500. Prisma's other transaction errors (P2028 too: an internal
 * inconsistency, an invalid isolation level) stay real failures.
 */
const TIMED_OUT = /Unable to start a transaction in the given time|cannot be executed on an expired transaction/;

export function isTransactionTimeout(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if (e instanceof TransactionClosedError || e instanceof TransactionNotStartedError) return true;
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === 'P2028' && typeof message === 'string' && TIMED_OUT.test(message)) return true;
    e = cause;
  }
  return false;
}
