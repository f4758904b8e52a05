import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type QueryResultRow } from 'pg';
import { GANTRY_CONFIG, type GantryConfig } from '../config/config';
import { PrismaClient, type Prisma } from './generated/client';
import { DatabaseUnavailableError } from './prisma-errors';
import type { Tx } from './tx';
import { bindActiveContext, inSpan } from '../tracing/tracing';
import { SPAN } from '../tracing/spans';
import { PRISMA_LIKE_TYPES, type TransactionConnection } from './raw-connection';
import { runTransaction, type LostCommitListener } from './transaction-runner';
import { LentPrisma, lentConnection } from './lent-prisma';
import { preparedName } from './prepared-statements';
import { MetricsService } from '../metrics/metrics.service';
import {
  callerFrames,
  insideTransaction,
  markedInside,
  NestedConnectionError,
  type NestedConnectionPolicy,
  unmarked,
} from './nested-connections';

export type { Tx } from './tx';

/** What a repository queries with: a transaction's client, or PrismaService itself outside one. */
export type Db = Prisma.TransactionClient;

export interface TxOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

/** For configs built without the database section (test support): the documented defaults. */
const DEFAULT_TIMEOUTS = { connectTimeoutMs: 10_000, queryTimeoutMs: 30_000, keepAliveMs: 10_000 };

/**
 * Every transaction's limits unless its caller sets others: to get started (a pool connection),
 * and in all. Prisma's defaults for its interactive transactions (2 s and 5 s) failed writes
 * whenever PostgreSQL was a little far away: when these were set a flag write took about a dozen
 * round trips, some 8–10 s at 500 ms each way, and a writer queued on the same flag's lock waits
 * for the one before it (test/e2e/faults/slow-stores.spec.ts). A write is two round trips now, but
 * a change request's apply or a restore still takes more. Still bounded, so a request answers
 * within some 40 s at worst: past the limit, the write was rolled back and is refused with 503
 * (transaction-errors.ts). A COMMIT whose answer was lost may add up to one more `timeout` while
 * PostgreSQL is asked what became of it (transaction-runner.ts). A database that does not answer
 * at all is noticed by the pool's own timeouts, not by these.
 */
const REQUEST_TX = { maxWait: 10_000, timeout: 30_000 } as const;

/**
 * Prisma's side of a transaction opened on the pool (lent-prisma.ts): its connection is already
 * there, and the transaction's own limit is the runner's, so Prisma's timer must not end it first.
 */
const LENT_TX = { maxWait: 10_000, timeout: 2_147_483_647 } as const;

/**
 * The one Prisma client of the process. We own the pg Pool (instead of letting the adapter make
 * one) so that /metrics can report its size and waiters.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: Pool;
  /** Set while DatabaseMonitor holds PostgreSQL for unreachable: why. */
  private refusing: string | undefined;
  /** Call sites already logged for asking for a connection inside a transaction (each is logged once). */
  private readonly nestedSites = new Set<string>();
  /** Under `refuse` (tests, development), each transaction notes where it was opened, for the log. */
  private readonly noteOpeners: boolean;
  /** Whether statements marked with prepared() are prepared per connection (DATABASE_PREPARED_STATEMENTS). */
  private readonly preparedStatements: boolean;

  constructor(
    @Inject(GANTRY_CONFIG) config: GantryConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    const timeouts = config.database ?? DEFAULT_TIMEOUTS;
    const nestedPolicy = config.database?.nestedConnections ?? 'report';
    // A bounded wait for a connection: work that asks the pool for one while it holds a
    // transaction's (reported: nested-connections.ts; on purpose in a release plan's look) could
    // otherwise wait for ever once every connection is held that way (a worker wedged with every
    // job stuck). After the wait the query fails, its transaction rolls back and frees its
    // connection, and the job is retried (queues.service.ts).
    // The query timeout bounds a statement with no answer (a silent link; DatabaseMonitor usually
    // notices first), keep-alive lets the kernel notice a peer that vanished.
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      query_timeout: timeouts.queryTimeoutMs,
      keepAlive: timeouts.keepAliveMs > 0,
      keepAliveInitialDelayMillis: timeouts.keepAliveMs,
    });
    super({ adapter: new PrismaPg(unmarkedQueries(pool)), transactionOptions: REQUEST_TX });
    this.pool = pool;
    this.noteOpeners = nestedPolicy === 'refuse';
    this.preparedStatements = config.database?.preparedStatements ?? true;
    this.checkPrismaRequests(nestedPolicy);
    // While PostgreSQL is held unreachable, taking a connection fails at once (pool.query takes one
    // the same way) instead of waiting out the connect timeout. Asking for one inside a transaction
    // is reported, or refused (nested-connections.ts).
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
    pool.connect = ((...args: unknown[]) => {
      // Prisma's adapter opening its side of a transaction that already has its connection.
      const lent = args.length === 0 ? lentConnection() : undefined;
      if (lent) return Promise.resolve(lent);
      const mark = insideTransaction();
      const err =
        (mark ? this.nestedConnection(nestedPolicy, mark.opener) : undefined) ??
        (this.refusing === undefined ? undefined : new DatabaseUnavailableError(this.refusing));
      if (!err) return connect(...args);
      const callback = args[0];
      if (typeof callback === 'function') return void process.nextTick(() => (callback as (e: Error) => void)(err));
      return Promise.reject(err);
    }) as Pool['connect'];
  }

  /**
   * DatabaseMonitor's switch: with a reason, new queries fail at once and the connections open now
   * are reset (work waiting on a silent link fails now rather than at its timeout); undefined:
   * queries go through again.
   */
  refuseQueries(reason: string | undefined): void {
    const was = this.refusing;
    this.refusing = reason;
    if (reason === undefined || was !== undefined) return;
    for (const client of (this.pool as unknown as { _clients?: PoolClientInternals[] })._clients ?? [])
      client.connection?.stream?.destroy();
  }

  /**
   * Prisma's requests are checked for a transaction's mark when they are made, in their caller's
   * context. At the pool they would be misjudged: Prisma dispatches the batchable requests of one
   * tick (findUnique, and every statement of its interactive transactions) together, in the context
   * of whichever request came first, so a request made outside any transaction could reach the pool
   * under another's mark (hence `unmarkedQueries` for its adapter). A request that belongs to no
   * transaction, made inside a transaction's body, asks the pool for a second connection.
   */
  private checkPrismaRequests(policy: NestedConnectionPolicy): void {
    const loader = (this as unknown as { _requestHandler?: { dataloader?: PrismaLoader } })._requestHandler?.dataloader;
    if (!loader) return;
    const request = loader.request.bind(loader);
    loader.request = (params) => {
      const mark = params.transaction ? undefined : insideTransaction();
      const refused = mark ? this.nestedConnection(policy, mark.opener) : undefined;
      return refused ? Promise.reject(refused) : request(params);
    };
  }

  /**
   * Counted, and logged once per call site with where it came from; under `refuse`, the error the
   * query fails with. A nested transaction asks here too: it needs a second connection as well.
   */
  private nestedConnection(policy: NestedConnectionPolicy, opener?: string[]): NestedConnectionError | undefined {
    this.metrics?.dbNestedConnections.inc();
    const frames = callerFrames();
    // Prisma's batched reads (findUnique) lose their caller's frames: then the transaction's opener says where.
    const site = frames[0]?.replace(/^at (async )?/, '') ?? `in the transaction opened ${opener?.[0] ?? 'unknown'}`;
    if (!this.nestedSites.has(site) && this.nestedSites.size < MAX_NESTED_SITES_LOGGED) {
      this.nestedSites.add(site);
      const where = frames.length ? frames : (opener ?? []).map((f) => `(opened) ${f}`);
      new Logger('database').warn(`a pool connection was asked for inside a transaction, ${where.join(' | ')}`);
    }
    return policy === 'refuse' ? new NestedConnectionError(site) : undefined;
  }

  /**
   * Runs `fn` in one transaction, handing it the opaque handle services pass along: opened on the
   * pool (transaction-runner.ts), with Prisma joining only if a repository asks for it
   * (lent-prisma.ts). Traced inside a request or job (not as a root span for each background tick).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T> {
    return inSpan(
      SPAN.dbTransaction,
      () =>
        runTransaction(
          () => this.pool.connect(),
          { ...REQUEST_TX, ...options },
          bindActiveContext(async (connection: TransactionConnection) => {
            const handle = new TransactionHandle(
              connection,
              new LentPrisma(connection, (hold) => this.$transaction(hold, LENT_TX)),
            );
            let value: T;
            try {
              value = await markedInside(() => fn(handle as unknown as Tx), this.noteOpeners);
            } catch (e) {
              await handle.prisma.end(false);
              throw e;
            }
            await handle.prisma.end(true);
            return value;
          }),
          this.onLostCommit,
        ),
      { childOnly: true },
    );
  }

  private readonly onLostCommit: LostCommitListener = (xid, outcome, error) =>
    new Logger('database').warn(
      `a COMMIT's answer was lost (${error.message}); PostgreSQL says transaction ${xid} ` +
        (outcome === 'unknown' ? 'could not be asked about in time: refused as unavailable' : outcome),
    );

  /**
   * One SQL statement, for the hot paths of repositories: on the transaction's connection in `tx`
   * (raw-connection.ts), on the pool outside one. Rows as Prisma's `$queryRaw` returns them (int8
   * as bigint, JSON parsed, timestamps as Date).
   */
  sql<R extends QueryResultRow>(tx: Tx | undefined, query: Prisma.Sql): Promise<R[]> {
    const name = this.preparedNameOf(query);
    if (!tx)
      // pg's own named statements (extended protocol), under names apart from the PREPAREd ones.
      return this.pool
        .query<R>({ name: name && `${name}_x`, text: query.text, values: query.values, types: PRISMA_LIKE_TYPES })
        .then((r) => r.rows);
    return handleOf(tx).connection.query<R>(query.text, query.values, name);
  }

  /**
   * A write of `tx` that nothing later in the transaction reads (a flag's version and outbox rows,
   * an audit entry), held and sent with the COMMIT and the other held writes, in one message
   * (raw-connection.ts): its round trip is saved, and the locks it takes (an environment's revision
   * row, the audit chain's) are held for that message only. It commits or rolls back with `tx`, and
   * its failure fails the transaction.
   */
  sqlAtCommit(tx: Tx, query: Prisma.Sql): Promise<void> {
    // A refusal (the transaction has ended) as a rejection, like any statement's.
    const name = this.preparedNameOf(query);
    return new Promise((resolve) => resolve(handleOf(tx).connection.holdForCommit(query.text, query.values, name)));
  }

  /** The statement's per-connection name when it is marked prepared() and preparing is on. */
  private preparedNameOf(query: Prisma.Sql): string | undefined {
    return this.preparedStatements ? preparedName(query) : undefined;
  }

  /**
   * Runs `fn` inside `tx` so that its failure undoes only what it wrote (a SAVEPOINT: raw-connection.ts)
   * and `tx` goes on: for a write nested in a larger transaction whose refusal the caller records
   * instead (a release plan's look failing one phase).
   */
  savepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return handleOf(tx).connection.savepoint(() => fn(tx));
  }

  /**
   * Runs `fn` apart from the transaction its caller is in: its reads go to the pool and its writes
   * open transactions of their own, while the caller's stays open (two connections at once, not
   * reported as nested: nested-connections.ts). Only where the callers doing this at once are
   * bounded to fewer than the pool's connections (a release plan's looks: PipelineRunner's limit).
   */
  apart<T>(fn: () => Promise<T>): Promise<T> {
    return unmarked(fn);
  }

  /**
   * The last shutdown phase, so what other providers write while they stop (in onModuleDestroy or
   * beforeApplicationShutdown: the insights' last flush) still has a connection.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}

/** What checkPrismaRequests wraps: Prisma's request loader (its RequestHandler's DataLoader). */
interface PrismaLoader {
  request(params: { transaction?: unknown }): Promise<unknown>;
}

/**
 * The pool as Prisma's adapter sees it: its queries ask for their connection unmarked, since they
 * were checked as Prisma requests already (checkPrismaRequests) and may run under another
 * request's mark. Its transactions' connect goes to the pool as is (lent-prisma.ts).
 */
function unmarkedQueries(pool: Pool): Pool {
  const query = (...args: unknown[]) => unmarked(() => (pool.query as (...a: unknown[]) => unknown)(...args));
  return new Proxy(pool, {
    get(target, name) {
      if (name === 'query') return query;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Enough to show every distinct defect without letting one in a loop fill the log. */
const MAX_NESTED_SITES_LOGGED = 100;

/** What refuseQueries reaches into: pg keeps each client's socket here. */
interface PoolClientInternals {
  connection?: { stream?: { destroy(): void } };
}

/** What a transaction's handle is behind the opaque Tx type: its connection, and Prisma's way into it. */
class TransactionHandle {
  constructor(
    readonly connection: TransactionConnection,
    readonly prisma: LentPrisma,
  ) {}
}

const handleOf = (tx: Tx): TransactionHandle => tx as unknown as TransactionHandle;

/** Whether `tx` is a transaction opened by PrismaService (diagnostics and tests). */
export const hasOwnConnection = (tx: Tx): boolean => (tx as unknown) instanceof TransactionHandle;

/** For repositories: Prisma's client in a transaction (it joins the transaction when first used: lent-prisma.ts). */
export const txClient = (tx: Tx): Db => handleOf(tx).prisma.db;

/** For repositories: the transaction's client when the caller is in one, else the pool's. */
export const dbOf = (prisma: PrismaService, tx: Tx | undefined): Db => (tx ? txClient(tx) : prisma);

/**
 * For work the workers do in the background: many due items may queue on one hot flag's row lock,
 * which is correct, just slower than a request's limits allow for.
 */
export const BACKGROUND_TX = { maxWait: 10_000, timeout: 60_000 } as const;
