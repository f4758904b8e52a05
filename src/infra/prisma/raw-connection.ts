import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { types } from 'pg';
import { inlineSql } from './inline-sql';

/**
 * The pg connection under one of Prisma's interactive transactions, so that the statements of a
 * hot write path can go to it directly. Prisma spends about as much CPU on one raw query as pg and
 * the socket do together (bench/README.md, "Governance write latency"); a flag write sends about ten.
 *
 * Prisma's pg adapter takes the transaction's connection with `pool.connect()` and sends BEGIN,
 * then each statement, then COMMIT or ROLLBACK, on it. PrismaService.transaction opens a capture
 * around `$transaction`: the first connection taken inside it is the transaction's, and it is
 * sealed when the callback starts (a connection taken later in the callback is some other read
 * through the pool). A capture that saw no connection, or more than one, is not used: the caller
 * falls back to Prisma.
 *
 * Fewer round trips, shorter locks (ConnectionPipe): each statement costs a socket write, a read and
 * a wake-up on both sides, more than most of these statements take to run. So the BEGIN is held
 * back and sent with the transaction's first statement, and writes that nothing later in the
 * transaction reads (deferToCommit: a flag's version and outbox rows, audit entries) are held back
 * and sent with the COMMIT, in order, in one simple-protocol message (inline-sql.ts). The locks they
 * take (the environment's revision row, the audit chain's, for which every write of every
 * environment queues) are then held for that one message only: no round trip to this process, and
 * no turn of its event loop, falls inside them. Held writes that fail fail the transaction (the
 * server skips the rest of the message, COMMIT included).
 *
 * The price: a connection lost while that message waits for the audit chain's lock leaves the
 * write's outcome unknown to this process (503), as a connection lost during any COMMIT does, for
 * the length of that wait rather than of the commit alone. Either way the write is whole or absent,
 * and a retry with If-Match tells which.
 *
 * The connection is given back to the pool when Prisma ends the transaction, possibly on its own
 * (its timeout) while the callback still runs. A statement sent after that would run outside any
 * transaction, on a connection someone else may hold; so the capture closes as soon as Prisma
 * sends COMMIT or ROLLBACK, before they reach the wire, and a statement asked for later fails with
 * TransactionClosedError (nothing is sent). Statements queued before it run in the transaction and
 * end with it.
 */
export class RawConnection {
  private open = true;

  constructor(private readonly pipe: ConnectionPipe) {}

  query<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    if (!this.open) return Promise.reject(new TransactionClosedError());
    return this.pipe.query<R>(text, values);
  }

  /**
   * Holds a write back until just before the COMMIT (a ROLLBACK drops it). For writes that nothing
   * later in the transaction reads: later statements do not see it. What it would have thrown, the
   * COMMIT throws (see captureTransactionConnection).
   */
  deferToCommit(text: string, values: readonly unknown[]): void {
    if (!this.open) throw new TransactionClosedError();
    this.pipe.holdForCommit(inlineSql(text, values));
  }

  /** Called when Prisma ends the transaction. */
  close(): void {
    this.open = false;
  }
}

/** A raw statement asked for after Prisma committed or rolled back its transaction (at its timeout, say). */
export class TransactionClosedError extends Error {
  constructor() {
    super('the transaction has already ended (committed, or rolled back at its time limit)');
    this.name = 'TransactionClosedError';
  }
}

/** int8 as bigint, as Prisma's raw queries return it (pg's default is a string); the rest as pg parses it. */
const INT8_OID = 20;
export const PRISMA_LIKE_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => BigInt(v)
      : (types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown)) as typeof types.getTypeParser,
};

interface Capture {
  pipes: ConnectionPipe[];
  sealed: boolean;
}

const captures = new AsyncLocalStorage<Capture>();

/** Runs `start` (which opens a Prisma transaction) with a capture for the connection it takes. */
export async function captureTransactionConnection<T>(start: () => Promise<T>): Promise<T> {
  const capture: Capture = { pipes: [], sealed: false };
  try {
    return await captures.run(capture, start);
  } catch (e) {
    // Held writes that failed ahead of the COMMIT fail the transaction with their own error (pg's,
    // with its SQLSTATE), as it would have sent on its own, not with Prisma's wrapping of a failed
    // COMMIT: callers tell an unreachable database (503) or a conflict from a bug by that error.
    throw capture.pipes.find((p) => p.commitFailure !== undefined)?.commitFailure ?? e;
  }
}

/** For the pool's connect wrapper: a connection taken inside an open capture is the transaction's. */
export function noteConnection(client: PoolClient): void {
  const capture = captures.getStore();
  if (!capture || capture.sealed) return;
  capture.pipes.push(new ConnectionPipe(client));
}

/**
 * At the start of the transaction's callback: seals the capture and returns the connection when
 * exactly one was taken (else undefined: the caller uses Prisma for everything).
 */
export function sealCapture(): RawConnection | undefined {
  const capture = captures.getStore();
  if (!capture || capture.sealed) return undefined;
  capture.sealed = true;
  if (capture.pipes.length !== 1) return undefined;
  return capture.pipes[0].connection();
}

const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK|END|ABORT)\b/i;
const COMMITS = /^\s*(COMMIT|END)\b/i;

type Query = (this: PoolClient, config: unknown, ...rest: unknown[]) => unknown;

/**
 * What goes over one captured connection until it is released: Prisma's own statements (through
 * the client's query method, wrapped here) and the raw ones, with the BEGIN held back until the
 * first of them and the writes held for the COMMIT sent just before it (see RawConnection).
 */
class ConnectionPipe {
  /** Prisma's BEGIN, not sent yet. */
  private begin = false;
  private atCommit: string[] = [];
  private seen = 0;
  private raw?: RawConnection;
  private readonly original: Query;
  /** What the writes sent ahead of the COMMIT failed with, when they did (see captureTransactionConnection). */
  commitFailure?: unknown;

  constructor(private readonly client: PoolClient) {
    // Both are called below with the client as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    this.original = client.query;
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const release = client.release;
    client.query = ((config: unknown, ...rest: unknown[]) => this.fromPrisma(config, rest)) as PoolClient['query'];
    client.release = (...args: Parameters<PoolClient['release']>) => {
      this.raw?.close();
      client.query = this.original as unknown as PoolClient['query'];
      client.release = release;
      return release.apply(client, args);
    };
  }

  connection(): RawConnection {
    this.raw = new RawConnection(this);
    return this.raw;
  }

  holdForCommit(sql: string): void {
    this.atCommit.push(sql);
  }

  async query<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    if (!this.begin) return (await this.send<R>({ text, values, types: PRISMA_LIKE_TYPES })).rows;
    this.begin = false;
    return (await this.send<R>({ text: `BEGIN;\n${inlineSql(text, values)}`, types: PRISMA_LIKE_TYPES })).rows;
  }

  private fromPrisma(config: unknown, rest: unknown[]): unknown {
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    const first = this.seen++ === 0;
    if (typeof text !== 'string' || rest.length) return this.afterBegin(config, rest);
    // Prisma's adapter sends BEGIN first and only looks at the row count it returns.
    if (first && text === 'BEGIN') {
      this.begin = true;
      return Promise.resolve(emptyResult('BEGIN'));
    }
    if (!ENDS_TRANSACTION.test(text)) return this.afterBegin(config, rest);
    this.raw?.close();
    if (COMMITS.test(text)) return this.commitAfterHeld(text, config);
    // A ROLLBACK drops the held writes; with the BEGIN still held, nothing reached the server at all.
    this.atCommit = [];
    if (!this.begin) return this.original.call(this.client, config);
    this.begin = false;
    return Promise.resolve(emptyResult('ROLLBACK'));
  }

  /**
   * COMMIT, in one message after the held writes (and the BEGIN when nothing else was sent). When
   * that message fails, the transaction is rolled back here, since Prisma releases the connection
   * without a ROLLBACK when COMMIT fails (after a failed COMMIT the ROLLBACK only draws a warning).
   */
  private async commitAfterHeld(commit: string, config: unknown): Promise<unknown> {
    const held = this.begin ? ['BEGIN', ...this.atCommit] : this.atCommit;
    this.begin = false;
    this.atCommit = [];
    // Only the BEGIN was held: nothing reached the server, there is nothing to commit.
    if (held.length === 1 && held[0] === 'BEGIN') return emptyResult('COMMIT');
    if (!held.length) return this.original.call(this.client, config);
    try {
      return await this.send({ text: [...held, commit].join(';\n') });
    } catch (e) {
      await (this.original.call(this.client, 'ROLLBACK') as Promise<unknown>).catch(() => undefined);
      this.commitFailure = e;
      throw e;
    }
  }

  private async afterBegin(config: unknown, rest: unknown[]): Promise<unknown> {
    if (this.begin) {
      this.begin = false;
      await this.send({ text: 'BEGIN' });
    }
    return this.original.call(this.client, config, ...rest);
  }

  /** One message; with several statements in it, the last one's result. */
  private async send<R extends QueryResultRow>(config: {
    text: string;
    values?: readonly unknown[];
    types?: typeof PRISMA_LIKE_TYPES;
  }): Promise<QueryResult<R>> {
    const result = (await this.original.call(this.client, config)) as QueryResult<R> | QueryResult<R>[];
    return Array.isArray(result) ? result[result.length - 1] : result;
  }
}

function emptyResult(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}
