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
      redisCommandTimeoutMs: 2000,
      sweepIntervalMs: 60000,
    });
  });

  it('reads the Redis command timeout and the sweep interval, within their ranges', () => {
    expect(loadConfig({ GANTRY_REDIS_COMMAND_TIMEOUT_MS: '500', GANTRY_SWEEP_INTERVAL_MS: '2000' })).toMatchObject({
      redisCommandTimeoutMs: 500,
      sweepIntervalMs: 2000,
    });
    expect(() => loadConfig({ GANTRY_REDIS_COMMAND_TIMEOUT_MS: '0' })).toThrow(/GANTRY_REDIS_COMMAND_TIMEOUT_MS/);
    expect(() => loadConfig({ GANTRY_SWEEP_INTERVAL_MS: '10' })).toThrow(/GANTRY_SWEEP_INTERVAL_MS/);
    expect(() => loadConfig({ GANTRY_SWEEP_INTERVAL_MS: 'soon' })).toThrow(ConfigError);
  });

  it("reads GANTRY_JOB_LOCK_MS (a dead worker's jobs run again within about twice it), with a range check", () => {
    expect(loadConfig({}).jobLockMs).toBe(30_000);
    expect(loadConfig({ GANTRY_JOB_LOCK_MS: '2000' }).jobLockMs).toBe(2_000);
    for (const bad of ['999', '600001', 'soon']) {
      expect(() => loadConfig({ GANTRY_JOB_LOCK_MS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ GANTRY_JOB_LOCK_MS: bad })).toThrow('GANTRY_JOB_LOCK_MS');
    }
  });

  it('reads GANTRY_WORKER_CONCURRENCY (jobs a worker runs at once per queue), with a range check', () => {
    expect(loadConfig({}).workerConcurrency).toBe(16);
    expect(loadConfig({ GANTRY_WORKER_CONCURRENCY: '4' }).workerConcurrency).toBe(4);
    for (const bad of ['0', '65', '1.5', 'many']) {
      expect(() => loadConfig({ GANTRY_WORKER_CONCURRENCY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ GANTRY_WORKER_CONCURRENCY: bad })).toThrow('GANTRY_WORKER_CONCURRENCY');
    }
  });

  it('reads the PostgreSQL timeouts, keep-alive and nested-connection policy, with defaults and range checks', () => {
    expect(loadConfig({}).database).toEqual({
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 30_000,
      keepAliveMs: 10_000,
      nestedConnections: 'report',
      preparedStatements: true,
    });
    expect(
      loadConfig({
        DATABASE_CONNECT_TIMEOUT_MS: '2000',
        DATABASE_QUERY_TIMEOUT_MS: '5000',
        DATABASE_KEEPALIVE_MS: '0',
        DATABASE_NESTED_CONNECTIONS: ' refuse ',
        DATABASE_PREPARED_STATEMENTS: 'off',
      }).database,
    ).toEqual({
      connectTimeoutMs: 2000,
      queryTimeoutMs: 5000,
      keepAliveMs: 0,
      nestedConnections: 'refuse',
      preparedStatements: false,
    });
    expect(() => loadConfig({ DATABASE_NESTED_CONNECTIONS: 'allow' })).toThrow(
      /DATABASE_NESTED_CONNECTIONS must be one of report, refuse/,
    );
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS must be one of on, off/,
    );
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '5' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_QUERY_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_QUERY_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_KEEPALIVE_MS: '-1' })).toThrow(/DATABASE_KEEPALIVE_MS/);
  });

  it('verifies the audit chain every 15 minutes unless told otherwise (0 = off; seconds win over minutes)', () => {
    expect(loadConfig({}).auditVerifyEveryMs).toBe(15 * 60_000);
    expect(loadConfig({ GANTRY_AUDIT_VERIFY_MINUTES: '0' }).auditVerifyEveryMs).toBe(0);
    expect(loadConfig({ GANTRY_AUDIT_VERIFY_MINUTES: '10080' }).auditVerifyEveryMs).toBe(10080 * 60_000);
    expect(loadConfig({ GANTRY_AUDIT_VERIFY_MINUTES: '60', GANTRY_AUDIT_VERIFY_SECONDS: '2' }).auditVerifyEveryMs).toBe(
      2000,
    );
  });

  it('reads GANTRY_OUTBOUND_ALLOW as CIDRs, addresses and host names', () => {
    const c = loadConfig({ GANTRY_OUTBOUND_ALLOW: ' 127.0.0.1, 10.0.0.0/8 ,[::1],Hooks.Internal, fd00::/8' });
    expect(c.outboundAllow).toEqual({
      cidrs: ['127.0.0.1/32', '10.0.0.0/8', '::1/128', 'fd00::/8'],
      hosts: ['hooks.internal'],
    });
  });

  it('signs in with tokens and no OIDC by default, and switches token sign-in off when OIDC is configured', () => {
    expect(loadConfig({}).identity).toMatchObject({
      oidc: undefined,
      publicUrl: 'http://127.0.0.1:3000',
      tokenSignIn: true,
      groups: { defaultRole: 'reader' },
    });
    const sso = loadConfig({
      GANTRY_OIDC_ISSUER: 'https://idp.example.com/',
      GANTRY_OIDC_CLIENT_ID: 'gantry',
      GANTRY_OIDC_ALLOWED_DOMAINS: 'Example.com, corp.example',
      GANTRY_GROUP_ROLES: 'admins=admin',
      GANTRY_PUBLIC_URL: 'https://gantry.example.com/',
    }).identity;
    expect(sso).toMatchObject({
      tokenSignIn: false,
      publicUrl: 'https://gantry.example.com',
      oidc: {
        clientId: 'gantry',
        scopes: 'openid email profile',
        groupsClaim: 'groups',
        allowedDomains: ['example.com', 'corp.example'],
      },
    });
    expect(sso.groups.roles.get('admins')).toBe('admin');
  });

  it.each([
    [{ GANTRY_OIDC_ISSUER: 'https://idp.example.com' }, /GANTRY_OIDC_CLIENT_ID/],
    [{ GANTRY_OIDC_ISSUER: 'ftp://idp', GANTRY_OIDC_CLIENT_ID: 'x' }, /GANTRY_OIDC_ISSUER/],
    [
      { GANTRY_OIDC_ISSUER: 'https://idp', GANTRY_OIDC_CLIENT_ID: 'x', GANTRY_OIDC_SCOPES: 'email' },
      /GANTRY_OIDC_SCOPES/,
    ],
    [{ GANTRY_GROUP_ROLES: 'admins=root' }, /GANTRY_GROUP_ROLES/],
    [{ GANTRY_GROUP_TEAMS: 'eng' }, /GANTRY_GROUP_TEAMS/],
    [{ GANTRY_DEFAULT_ROLE: 'owner' }, /GANTRY_DEFAULT_ROLE/],
    [{ GANTRY_TOKEN_SIGN_IN: 'yes' }, /GANTRY_TOKEN_SIGN_IN/],
    [{ GANTRY_SESSION_TTL_HOURS: '0' }, /GANTRY_SESSION_TTL_HOURS/],
    [{ GANTRY_PUBLIC_URL: 'gantry.example.com' }, /GANTRY_PUBLIC_URL/],
  ])('rejects the identity setting %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
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
    [{ GANTRY_AUDIT_VERIFY_MINUTES: '10081' }, /GANTRY_AUDIT_VERIFY_MINUTES/],
    [{ GANTRY_AUDIT_VERIFY_MINUTES: '1.5' }, /GANTRY_AUDIT_VERIFY_MINUTES/],
    [{ GANTRY_AUDIT_VERIFY_SECONDS: '-1' }, /GANTRY_AUDIT_VERIFY_SECONDS/],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});

describe('loadConfig: tracing', () => {
  it('is off with no OTEL_* variables, and SDK routes are not sampled by default', () => {
    expect(loadConfig({}).tracing).toEqual({ enabled: false, serviceName: 'gantry', sdkSampleRatio: 0 });
  });

  it('reads the OTLP endpoint, service name and SDK sample ratio', () => {
    const c = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'gantry-eu',
      GANTRY_TRACE_SDK_SAMPLE_RATIO: '0.25',
    });
    expect(c.tracing).toEqual({ enabled: true, serviceName: 'gantry-eu', sdkSampleRatio: 0.25 });
  });

  it.each([
    [{ GANTRY_TRACE_SDK_SAMPLE_RATIO: '1.5' }, /GANTRY_TRACE_SDK_SAMPLE_RATIO/],
    [{ GANTRY_TRACE_SDK_SAMPLE_RATIO: '-0.1' }, /GANTRY_TRACE_SDK_SAMPLE_RATIO/],
    [{ GANTRY_TRACE_SDK_SAMPLE_RATIO: 'half' }, /GANTRY_TRACE_SDK_SAMPLE_RATIO/],
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, /OTEL_TRACES_EXPORTER/],
  ])('rejects %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
