import { isTransactionTimeout } from './transaction-errors';

/** Prisma's TransactionManagerError as the client raises it: code P2028, message prefixed. */
const p2028 = (message: string) => Object.assign(new Error(`Transaction API error: ${message}`), { code: 'P2028' });

describe('isTransactionTimeout', () => {
  it.each([
    [
      'a commit after the timeout (rolled back by Prisma)',
      p2028(
        'A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, ' +
          'however 6708 ms passed since the start of the transaction.',
      ),
    ],
    [
      'a query after the timeout',
      p2028('A query cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms.'),
    ],
    ['a transaction that could not start within maxWait', p2028('Unable to start a transaction in the given time.')],
    ['a wrapped cause', new Error('job failed', { cause: p2028('Unable to start a transaction in the given time.') })],
  ])('recognises %s', (_name, err) => {
    expect(isTransactionTimeout(err)).toBe(true);
  });

  it.each([
    ['an internal consistency error', p2028('Internal Consistency Error: Active transaction found in closed list.')],
    [
      'a commit on a committed transaction',
      p2028('Transaction already closed: A commit cannot be executed on a committed transaction.'),
    ],
    ['the same words without the code', new Error('A commit cannot be executed on an expired transaction')],
    ['a unique violation', Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })],
    ['not an error', 'Unable to start a transaction in the given time'],
  ])('leaves %s alone', (_name, err) => {
    expect(isTransactionTimeout(err)).toBe(false);
  });
});
