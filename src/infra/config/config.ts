import type { NestedConnectionPolicy } from '../prisma/nested-connections';

/**
 * One typed configuration read from the environment at boot. A bad value fails fast with a
 * message naming the variable, so an operator never has to guess which setting was wrong.
 */
export type GantryRole = 'all' | 'api' | 'worker' | 'edge';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface GantryConfig {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix for every Redis key and BullMQ queue, so several deployments (or tests) can share one Redis. */
  redisPrefix: string;
  /**
   * Longest wait for one Redis command or enqueue (GANTRY_REDIS_COMMAND_TIMEOUT_MS): past it the
   * caller degrades (skips, or leaves the work to a sweep) instead of hanging while Redis is away.
   */
  redisCommandTimeoutMs: number;
  /**
   * How often a worker sweeps PostgreSQL for automation (schedules, release steps, webhook
   * deliveries) whose BullMQ job was lost or never enqueued, e.g. while Redis was down (GANTRY_SWEEP_INTERVAL_MS).
   */
  sweepIntervalMs: number;
  port: number;
  host: string;
  role: GantryRole;
  adminToken: string | undefined;
  logLevel: LogLevel;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  databasePoolSize: number;
  /**
   * PostgreSQL pool timeouts and TCP keep-alive: DATABASE_CONNECT_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS,
   * DATABASE_KEEPALIVE_MS (idle time before the first probe; 0: keep-alive off); and what a query
   * asking for a pool connection inside a transaction meets (DATABASE_NESTED_CONNECTIONS:
   * nested-connections.ts).
   */
  database: {
    connectTimeoutMs: number;
    queryTimeoutMs: number;
    keepAliveMs: number;
    nestedConnections: NestedConnectionPolicy;
    /** DATABASE_PREPARED_STATEMENTS (on): the hot statements prepared per connection (prepared-statements.ts). */
    preparedStatements: boolean;
  };
  /** Published outbox rows older than this are deleted (nodes behind by more reload their snapshot). */
  outboxRetentionHours: number;
  /** SDK events (POST /bulk) older than this are deleted. */
  eventRetentionDays: number;
  /** Evaluation counts (insights) per minute, hour and day older than these are deleted. */
  insightsRetentionDays: { minute: number; hour: number; day: number };
  /** How often an API node writes the evaluations it counted (GANTRY_INSIGHTS_FLUSH_MS). */
  insightsFlushMs: number;
  /**
   * How long a worker's hold on a job lasts without renewal (GANTRY_JOB_LOCK_MS): a job held by a
   * worker that died runs again elsewhere within about twice this (BullMQ lockDuration and stalled check).
   */
  jobLockMs: number;
  /**
   * Jobs one worker process runs at once, per queue (GANTRY_WORKER_CONCURRENCY). A job spends most
   * of its time waiting on Redis and PostgreSQL, so a worker with too few in hand leaves its CPU
   * idle while due jobs queue (bench/README.md). Jobs in hand beyond DATABASE_POOL_SIZE wait for a
   * connection; the only job that holds two at once, a release plan's look, is limited to half the
   * pool on its own (PipelineRunner), so they cannot starve each other.
   */
  workerConcurrency: number;
  /**
   * How often a worker verifies the whole audit chain on its own, ms; 0 = never
   * (GANTRY_AUDIT_VERIFY_MINUTES, or GANTRY_AUDIT_VERIFY_SECONDS when set, which wins).
   */
  auditVerifyEveryMs: number;
  /** A release plan run with no progress for this long expires, unless its plan says otherwise (GANTRY_RELEASE_PLAN_EXPIRE_MS). */
  releasePlanExpireMs: number;
  /** Loopback/private/metadata destinations outbound requests (webhooks) may reach anyway (GANTRY_OUTBOUND_ALLOW). */
  outboundAllow: OutboundAllow;
  /** GraphQL query limits, checked before execution (GANTRY_GRAPHQL_MAX_DEPTH, _MAX_ALIASES, _MAX_COST). */
  graphqlLimits: { maxDepth: number; maxAliases: number; maxCost: number };
  /** Who people are and how they sign in: OIDC, group mappings (shared with SCIM), sessions. */
  identity: IdentityConfig;
  /** The built console served at /ui (GANTRY_CONSOLE_DIR); default dist/web of this installation. */
  consoleDir: string | undefined;
  /** Set when GANTRY_ROLE=edge: where the edge takes its snapshots from, and with what credential. */
  edge: EdgeConfig | undefined;
  /** OpenTelemetry tracing (src/infra/tracing): off unless the OTEL_* variables configure an exporter. */
  tracing: TracingConfig;
}

export interface EdgeConfig {
  /** An API node or another edge (GANTRY_UPSTREAM_URL). Operator configuration, so the outbound address policy does not apply. */
  upstreamUrl: string;
  /** A relay credential issued at /api/v1/relay-credentials (GANTRY_RELAY_TOKEN). */
  relayToken: string;
  /** SDK events waiting to be forwarded upstream are dropped, oldest first, past this many bytes (GANTRY_EDGE_EVENT_BUFFER_BYTES). */
  eventBufferBytes: number;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone). */
  clientSecret: string | undefined;
  scopes: string;
  /** The ID-token/userinfo claim that lists the person's groups. */
  groupsClaim: string;
  /** Lower-case email domains allowed to sign in; empty: any verified email. */
  allowedDomains: string[];
  /** Name on the console's sign-in button. */
  displayName: string;
}

export interface IdentityConfig {
  /** Absent unless GANTRY_OIDC_ISSUER is set. */
  oidc: OidcConfig | undefined;
  /** The address people reach Gantry at (OIDC redirect URI, links in notifications); default http://HOST:PORT. */
  publicUrl: string;
  groups: GroupMapping;
  /** Console sign-in with a personal access token: on by default without OIDC, off with it unless asked for. */
  tokenSignIn: boolean;
  sessionTtlHours: number;
  /** A session unused for this long ends before its TTL. */
  sessionIdleMinutes: number;
}

import {
  GroupMappingError,
  isMappedRole,
  parseRoleMap,
  parseTeamMap,
  type GroupMapping,
} from '../../core/identity/group-mapping';
import { parseOutboundAllow, type OutboundAllow } from '../net/outbound-policy';
import { otelSettings, OtelSettingsError } from '../tracing/otel-settings';
import type { TracingConfig } from '../tracing/tracing';

export class ConfigError extends Error {}

function outboundAllow(value: string | undefined): OutboundAllow {
  try {
    return parseOutboundAllow(value);
  } catch (err) {
    throw new ConfigError(`GANTRY_OUTBOUND_ALLOW: ${(err as Error).message}`);
  }
}

const ROLES: GantryRole[] = ['all', 'api', 'worker', 'edge'];
const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function oneOf<T extends string>(name: string, value: string, allowed: T[]): T {
  if (!(allowed as string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got '${value}')`);
  }
  return n;
}

function url(name: string, value: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL (got an unparseable value)`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use one of ${protocols.join(', ')} (got '${parsed.protocol}')`);
  }
  return value;
}

function mapping<T>(name: string, value: string | undefined, parse: (v: string | undefined) => T): T {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof GroupMappingError) throw new ConfigError(`${name}: ${err.message}`);
    throw err;
  }
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return oneOf(name, value, ['true', 'false']) === 'true';
}

function oidcConfig(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const issuer = env.GANTRY_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const clientId = env.GANTRY_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new ConfigError('GANTRY_OIDC_CLIENT_ID is required when GANTRY_OIDC_ISSUER is set');
  const scopes = env.GANTRY_OIDC_SCOPES?.trim() || 'openid email profile';
  if (!scopes.split(/\s+/).includes('openid'))
    throw new ConfigError(`GANTRY_OIDC_SCOPES must include openid (got '${scopes}')`);
  return {
    issuer: url('GANTRY_OIDC_ISSUER', issuer, ['https:', 'http:']),
    clientId,
    clientSecret: env.GANTRY_OIDC_CLIENT_SECRET?.trim() || undefined,
    scopes,
    groupsClaim: env.GANTRY_OIDC_GROUPS_CLAIM?.trim() || 'groups',
    allowedDomains: (env.GANTRY_OIDC_ALLOWED_DOMAINS ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    displayName: env.GANTRY_OIDC_DISPLAY_NAME?.trim() || 'your identity provider',
  };
}

function identityConfig(env: NodeJS.ProcessEnv, host: string, port: number): IdentityConfig {
  const oidc = oidcConfig(env);
  const defaultRole = env.GANTRY_DEFAULT_ROLE?.trim() || 'reader';
  if (!isMappedRole(defaultRole) || defaultRole === 'owner')
    throw new ConfigError(`GANTRY_DEFAULT_ROLE must be one of reader, writer, admin (got '${defaultRole}')`);
  const publicUrl = url('GANTRY_PUBLIC_URL', env.GANTRY_PUBLIC_URL?.trim() || `http://${host}:${port}`, [
    'https:',
    'http:',
  ]);
  return {
    oidc,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    groups: {
      roles: mapping('GANTRY_GROUP_ROLES', env.GANTRY_GROUP_ROLES, parseRoleMap),
      teams: mapping('GANTRY_GROUP_TEAMS', env.GANTRY_GROUP_TEAMS, parseTeamMap),
      defaultRole,
    },
    tokenSignIn: flag('GANTRY_TOKEN_SIGN_IN', env.GANTRY_TOKEN_SIGN_IN, oidc === undefined),
    sessionTtlHours: integer('GANTRY_SESSION_TTL_HOURS', env.GANTRY_SESSION_TTL_HOURS ?? '12', 1, 24 * 30),
    sessionIdleMinutes: integer(
      'GANTRY_SESSION_IDLE_MINUTES',
      env.GANTRY_SESSION_IDLE_MINUTES ?? '120',
      5,
      24 * 60 * 30,
    ),
  };
}

function ratio(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0 || n > 1) {
    throw new ConfigError(`${name} must be a number between 0 and 1 (got '${value}')`);
  }
  return n;
}

function tracingConfig(env: NodeJS.ProcessEnv): TracingConfig {
  try {
    return {
      ...otelSettings(env),
      sdkSampleRatio: ratio('GANTRY_TRACE_SDK_SAMPLE_RATIO', env.GANTRY_TRACE_SDK_SAMPLE_RATIO?.trim() || '0'),
    };
  } catch (err) {
    if (err instanceof OtelSettingsError) throw new ConfigError(err.message);
    throw err;
  }
}

function edgeConfig(env: NodeJS.ProcessEnv, role: GantryRole): EdgeConfig | undefined {
  if (role !== 'edge') return undefined;
  const upstream = env.GANTRY_UPSTREAM_URL?.trim();
  if (!upstream) throw new ConfigError('GANTRY_UPSTREAM_URL is required when GANTRY_ROLE=edge');
  const relayToken = env.GANTRY_RELAY_TOKEN?.trim();
  if (!relayToken?.startsWith('grl_'))
    throw new ConfigError('GANTRY_RELAY_TOKEN must be a relay credential (grl_…) when GANTRY_ROLE=edge');
  return {
    upstreamUrl: url('GANTRY_UPSTREAM_URL', upstream, ['http:', 'https:']).replace(/\/+$/, ''),
    relayToken,
    eventBufferBytes: integer(
      'GANTRY_EDGE_EVENT_BUFFER_BYTES',
      env.GANTRY_EDGE_EVENT_BUFFER_BYTES ?? String(16 * 1024 * 1024),
      0,
      1024 * 1024 * 1024,
    ),
  };
}

/**
 * Minutes for operators (default 15, 0 = off, at most a week); a seconds override for tests and
 * for those who want it tighter (at least 1 s when on).
 */
function auditVerifyEveryMs(env: NodeJS.ProcessEnv): number {
  const seconds = env.GANTRY_AUDIT_VERIFY_SECONDS?.trim();
  if (seconds) return integer('GANTRY_AUDIT_VERIFY_SECONDS', seconds, 0, 7 * 24 * 3600) * 1000;
  return (
    integer('GANTRY_AUDIT_VERIFY_MINUTES', env.GANTRY_AUDIT_VERIFY_MINUTES?.trim() || '15', 0, 7 * 24 * 60) * 60_000
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GantryConfig {
  const adminToken = env.GANTRY_ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && adminToken.length < 20) {
    throw new ConfigError('GANTRY_ADMIN_TOKEN must be at least 20 characters long');
  }
  const host = env.HOST ?? '127.0.0.1';
  const port = integer('PORT', env.PORT ?? '3000', 0, 65535);
  const role = oneOf('GANTRY_ROLE', env.GANTRY_ROLE ?? 'all', ROLES);
  return {
    // An edge has no database: whatever DATABASE_URL says is never used, so it is not required.
    databaseUrl:
      role === 'edge'
        ? ''
        : url('DATABASE_URL', env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/gantry', [
            'postgresql:',
            'postgres:',
          ]),
    redisUrl: url('REDIS_URL', env.REDIS_URL ?? 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: env.GANTRY_REDIS_PREFIX ?? 'gantry',
    redisCommandTimeoutMs: integer(
      'GANTRY_REDIS_COMMAND_TIMEOUT_MS',
      env.GANTRY_REDIS_COMMAND_TIMEOUT_MS ?? '2000',
      50,
      60_000,
    ),
    sweepIntervalMs: integer('GANTRY_SWEEP_INTERVAL_MS', env.GANTRY_SWEEP_INTERVAL_MS ?? '60000', 1000, 86_400_000),
    port,
    host,
    role,
    adminToken,
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL ?? 'info', LEVELS),
    bodyLimit: integer('GANTRY_BODY_LIMIT', env.GANTRY_BODY_LIMIT ?? String(1024 * 1024), 1024, 64 * 1024 * 1024),
    databasePoolSize: integer('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE ?? '10', 1, 200),
    database: {
      connectTimeoutMs: integer(
        'DATABASE_CONNECT_TIMEOUT_MS',
        env.DATABASE_CONNECT_TIMEOUT_MS ?? '10000',
        100,
        600_000,
      ),
      queryTimeoutMs: integer('DATABASE_QUERY_TIMEOUT_MS', env.DATABASE_QUERY_TIMEOUT_MS ?? '30000', 100, 3_600_000),
      keepAliveMs: integer('DATABASE_KEEPALIVE_MS', env.DATABASE_KEEPALIVE_MS ?? '10000', 0, 3_600_000),
      nestedConnections: oneOf<NestedConnectionPolicy>(
        'DATABASE_NESTED_CONNECTIONS',
        env.DATABASE_NESTED_CONNECTIONS?.trim() || 'report',
        ['report', 'refuse'],
      ),
      preparedStatements:
        oneOf('DATABASE_PREPARED_STATEMENTS', env.DATABASE_PREPARED_STATEMENTS?.trim() || 'on', ['on', 'off']) === 'on',
    },
    outboxRetentionHours: integer(
      'GANTRY_OUTBOX_RETENTION_HOURS',
      env.GANTRY_OUTBOX_RETENTION_HOURS ?? '168',
      1,
      24 * 365,
    ),
    eventRetentionDays: integer('GANTRY_EVENT_RETENTION_DAYS', env.GANTRY_EVENT_RETENTION_DAYS ?? '30', 1, 3650),
    insightsRetentionDays: {
      minute: integer('GANTRY_INSIGHTS_RETENTION_DAYS', env.GANTRY_INSIGHTS_RETENTION_DAYS ?? '14', 1, 3650),
      hour: integer(
        'GANTRY_INSIGHTS_HOURLY_RETENTION_DAYS',
        env.GANTRY_INSIGHTS_HOURLY_RETENTION_DAYS ?? '90',
        1,
        3650,
      ),
      day: integer('GANTRY_INSIGHTS_DAILY_RETENTION_DAYS', env.GANTRY_INSIGHTS_DAILY_RETENTION_DAYS ?? '730', 1, 36500),
    },
    insightsFlushMs: integer('GANTRY_INSIGHTS_FLUSH_MS', env.GANTRY_INSIGHTS_FLUSH_MS ?? '10000', 100, 600_000),
    jobLockMs: integer('GANTRY_JOB_LOCK_MS', env.GANTRY_JOB_LOCK_MS ?? '30000', 1_000, 600_000),
    workerConcurrency: integer('GANTRY_WORKER_CONCURRENCY', env.GANTRY_WORKER_CONCURRENCY ?? '16', 1, 64),
    auditVerifyEveryMs: auditVerifyEveryMs(env),
    releasePlanExpireMs: integer(
      'GANTRY_RELEASE_PLAN_EXPIRE_MS',
      env.GANTRY_RELEASE_PLAN_EXPIRE_MS ?? String(14 * 24 * 3600 * 1000),
      1000,
      365 * 24 * 3600 * 1000,
    ),
    outboundAllow: outboundAllow(env.GANTRY_OUTBOUND_ALLOW),
    graphqlLimits: {
      maxDepth: integer('GANTRY_GRAPHQL_MAX_DEPTH', env.GANTRY_GRAPHQL_MAX_DEPTH ?? '15', 1, 100),
      maxAliases: integer('GANTRY_GRAPHQL_MAX_ALIASES', env.GANTRY_GRAPHQL_MAX_ALIASES ?? '50', 0, 10_000),
      maxCost: integer('GANTRY_GRAPHQL_MAX_COST', env.GANTRY_GRAPHQL_MAX_COST ?? '20000', 1, 10_000_000),
    },
    identity: identityConfig(env, host, port),
    consoleDir: env.GANTRY_CONSOLE_DIR?.trim() || undefined,
    edge: edgeConfig(env, role),
    tracing: tracingConfig(env),
  };
}

/** Nest injection token for the config object. */
export const GANTRY_CONFIG = Symbol('GANTRY_CONFIG');
