import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults for a bare environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/gantry',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      role: 'all',
      logLevel: 'info',
      adminToken: undefined,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ GANTRY_ROLE: 'both' }, /GANTRY_ROLE/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL/],
    [{ GANTRY_ADMIN_TOKEN: 'short' }, /GANTRY_ADMIN_TOKEN/],
    [{ GANTRY_OUTBOX_RETENTION_HOURS: '0' }, /GANTRY_OUTBOX_RETENTION_HOURS/],
    [{ GANTRY_EVENT_RETENTION_DAYS: 'forever' }, /GANTRY_EVENT_RETENTION_DAYS/],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
