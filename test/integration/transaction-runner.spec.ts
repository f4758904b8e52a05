/**
 * PrismaService.transaction, opened on the pool with Prisma joining only when asked
 * (src/infra/prisma/transaction-runner.ts, lent-prisma.ts), against a real PostgreSQL; the checks
 * run in a Node process of their own (test/support/transaction-runner-checks.ts).
 */
import { checksOnTestDatabase } from '../support/support-script';

/** The checks' JSON report. */
const checks = checksOnTestDatabase<any>('transaction-runner-checks.ts');

it('begins at the isolation level asked for, and READ COMMITTED otherwise', () => {
  expect(checks.out.isolation).toEqual({
    asked: 'repeatable read',
    serializable: 'serializable',
    default: 'read committed',
  });
});

it('opens no Prisma transaction unless one of its statements is asked for, and then shares the connection and the outcome', () => {
  expect(checks.out.prisma.rawOnly).toBe(0);
  expect(checks.out.prisma.opened).toBe(2);
  expect(checks.out.prisma.shared).toEqual({ samePid: true, rawSeesPrismaWrite: true });
  expect(checks.out.prisma.rolledBack.failed.name).toBe('Error');
  // 3 (raw) and 4 (Prisma) rolled back with the transaction.
  expect(checks.out.prisma.rows).toEqual([1, 2]);
});

it('fails a transaction with the error of a Prisma statement that failed, keeps nothing of it, and goes on', () => {
  expect(checks.out.prismaFailure.result.failed).toMatchObject({
    name: 'PrismaClientKnownRequestError',
    timeout: false,
  });
  expect(checks.out.prismaFailure.rows).toEqual([1, 2]);
  expect(checks.out.prismaFailure.next).toEqual([6, 7, 8]);
});

it('refuses to start after maxWait with every connection held, as a timeout, and commits the holders', () => {
  expect(checks.out.maxWait.starved.failed).toEqual({
    name: 'TransactionNotStartedError',
    timeout: true,
    unavailable: false,
  });
  expect(checks.out.maxWait.rows).toEqual([1, 2, 6, 7, 8, 10, 11]);
});

it('gives up a transaction at its time limit with a statement in flight, and keeps nothing of it', () => {
  expect(checks.out.timeoutInFlight.result.failed).toEqual({
    name: 'TransactionClosedError',
    timeout: true,
    unavailable: false,
  });
  expect(checks.out.timeoutInFlight.rows).toEqual([1, 2, 6, 7, 8, 10, 11]);
});

it('survives its connection killed mid-transaction: an unreachable database, nothing kept, the pool usable', () => {
  expect(checks.out.killed.killed.failed).toMatchObject({ timeout: false, unavailable: true });
  expect(checks.out.killed.rows).toEqual([1, 2, 6, 7, 8, 10, 11]);
  expect(checks.out.killed.next).toEqual([32, 33, 34]);
});

it("asks PostgreSQL what became of a COMMIT whose answer was lost: committed is a success, aborted the connection's error", () => {
  const { committed, aborted, rows, counter, lost } = checks.out.lostCommit;
  expect(committed).toEqual({ value: 'wrote 50' });
  expect(aborted.failed).toMatchObject({ timeout: false, unavailable: true });
  expect(rows).toEqual([50]);
  expect(counter).toBe(1);
  expect(lost).toEqual([
    { xidKnown: true, outcome: 'committed' },
    { xidKnown: true, outcome: 'aborted' },
  ]);
});
