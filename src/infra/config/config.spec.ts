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
      outboundAllow: { cidrs: [], hosts: [] },
      graphqlLimits: { maxDepth: 15, maxAliases: 50, maxCost: 20000 },
    });
  });

  it('reads GANTRY_OUTBOUND_ALLOW as CIDRs, addresses and host names', () => {
    const c = loadConfig({ GANTRY_OUTBOUND_ALLOW: ' 127.0.0.1, 10.0.0.0/8 ,[::1],Hooks.Internal, fd00::/8' });
    expect(c.outboundAllow).toEqual({
      cidrs: ['127.0.0.1/32', '10.0.0.0/8', '::1/128', 'fd00::/8'],
      hosts: ['hooks.internal'],
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
    [{ GANTRY_OUTBOUND_ALLOW: '10.0.0.0/33' }, /GANTRY_OUTBOUND_ALLOW/],
    [{ GANTRY_GRAPHQL_MAX_DEPTH: '0' }, /GANTRY_GRAPHQL_MAX_DEPTH/],
    [{ GANTRY_GRAPHQL_MAX_COST: 'lots' }, /GANTRY_GRAPHQL_MAX_COST/],
    [{ GANTRY_OUTBOUND_ALLOW: 'http://x/' }, /GANTRY_OUTBOUND_ALLOW/],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
