import { readinessOf } from './readiness';

describe('readinessOf', () => {
  const ok = { postgres: 'ok', redis: 'ok', migrations: 'ok', snapshots: 'ok' };

  it('is ok when every check is', () => {
    expect(readinessOf(ok)).toEqual({ status: 'ok', ready: true, checks: ok });
    const worker = { postgres: 'ok', redis: 'ok', migrations: 'ok' };
    expect(readinessOf(worker)).toMatchObject({ status: 'ok', ready: true });
  });

  it.each([
    ['PostgreSQL unreachable', { postgres: 'error: no answer in 2000 ms' }],
    ['Redis unreachable', { redis: 'error: connection reconnecting' }],
    ['both unreachable', { postgres: 'error: ECONNREFUSED', redis: 'error: connection end' }],
    ['the migration check unable to run', { postgres: 'error: x', migrations: 'error: connect ECONNREFUSED' }],
  ])('is degraded but ready with %s (SDK traffic is served from snapshots)', (_name, failing) => {
    expect(readinessOf({ ...ok, ...failing })).toMatchObject({ status: 'degraded', ready: true });
  });

  it.each([
    ['migrations pending', { migrations: 'pending: 20270101000000_next' }],
    ['snapshots never loaded', { snapshots: 'not loaded yet', postgres: 'error: ECONNREFUSED' }],
  ])('is down when it cannot serve: %s', (_name, failing) => {
    expect(readinessOf({ ...ok, ...failing })).toMatchObject({ status: 'down', ready: false });
  });
});
