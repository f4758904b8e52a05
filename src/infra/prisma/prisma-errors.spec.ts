import { DatabaseUnavailableError, isDatabaseUnavailable } from './prisma-errors';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['the monitor refusing queries', new DatabaseUnavailableError('no answer')],
    ['Prisma: server unreachable', Object.assign(new Error("Can't reach database server"), { code: 'P1001' })],
    [
      'the pg adapter: connection closed',
      Object.assign(new Error('Raw query failed'), {
        code: 'P2010',
        meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } } },
      }),
    ],
    ['pg: query read timeout', new Error('Query read timeout')],
    ['pg: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a socket error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['SQLSTATE 57P01 (admin shutdown)', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['a wrapped cause', new Error('job failed', { cause: new Error('Connection terminated unexpectedly') })],
  ])('recognises %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })],
    ['a statement refused by PostgreSQL', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['anything else', new Error('boom')],
    ['not an error', 'Query read timeout'],
  ])('leaves %s alone', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
