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
 * Fewer round trips (ConnectionPipe): each statement costs a socket write, a read and a wake-up on
 * both sides, more than most of these statements take to run. So the BEGIN is held back and sent
 * with the transaction's first statement, and a statement whose result nobody waits for (defer:
 * a flag write's version row and outbox row) is held back and sent with the next statement, in one
 * simple-protocol message (inline-sql.ts), or just ahead of the COMMIT, which always goes alone.
 * Statements run in the order they were asked for either way; a held statement that fails fails
 * the message it travels in, and so the transaction.
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
   * Holds a statement back until the transaction's next statement or its COMMIT (a ROLLBACK drops
   * it). For statements whose result is not needed; what they would have thrown, the statement or
   * COMMIT they travel with throws.
   */
  defer(text: string, values: readonly unknown[]): void {
    if (!this.open) throw new TransactionClosedError();
    this.pipe.hold(inlineSql(text, values));
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
    // Held statements that failed ahead of the COMMIT fail the transaction with their own error (pg's,
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
 * the client's query method, wrapped here) and the raw ones, with what is held back (see
 * RawConnection) sent ahead of the next of either.
 */
class ConnectionPipe {
  private held: string[] = [];
  private seen = 0;
  /** What the held statements sent ahead of the COMMIT failed with, when they did (see captureTransactionConnection). */
  commitFailure?: unknown;
  private raw?: RawConnection;
  private readonly original: Query;

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

  hold(sql: string): void {
    this.held.push(sql);
  }

  async query<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    if (!this.held.length) return (await this.send<R>({ text, values, types: PRISMA_LIKE_TYPES })).rows;
    return (await this.send<R>({ text: this.takeHeld(inlineSql(text, values)), types: PRISMA_LIKE_TYPES })).rows;
  }

  private fromPrisma(config: unknown, rest: unknown[]): unknown {
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    const first = this.seen++ === 0;
    if (typeof text !== 'string' || rest.length) return this.afterHeld(config, rest);
    // Prisma's adapter sends BEGIN first and only looks at the row count it returns.
    if (first && text === 'BEGIN') {
      this.held.push(text);
      return Promise.resolve(emptyResult('BEGIN'));
    }
    if (!ENDS_TRANSACTION.test(text)) return this.afterHeld(config, rest);
    this.raw?.close();
    if (COMMITS.test(text)) return this.commitAfterHeld(config);
    // A ROLLBACK drops what is held; with the BEGIN among it, nothing reached the server at all.
    const sentNothing = this.held[0] === 'BEGIN';
    this.held = [];
    return sentNothing ? Promise.resolve(emptyResult('ROLLBACK')) : this.original.call(this.client, config);
  }

  /**
   * COMMIT, after what is held, which goes ahead in a message of its own: a COMMIT always travels
   * alone, so a connection lost while it is in flight leaves a write's outcome unknown no longer
   * than it did before statements were held (a batch ahead of it may wait for locks). When the held
   * statements fail, the transaction is rolled back here, since Prisma releases the connection
   * without a ROLLBACK when COMMIT fails, and the COMMIT is not sent.
   */
  private async commitAfterHeld(config: unknown): Promise<unknown> {
    // Only the BEGIN is held: nothing reached the server, there is nothing to commit.
    if (this.held.length === 1 && this.held[0] === 'BEGIN') {
      this.held = [];
      return emptyResult('COMMIT');
    }
    if (this.held.length) {
      try {
        await this.send({ text: this.takeHeld() });
      } catch (e) {
        await (this.original.call(this.client, 'ROLLBACK') as Promise<unknown>).catch(() => undefined);
        this.commitFailure = e;
        throw e;
      }
    }
    return this.original.call(this.client, config);
  }

  private async afterHeld(config: unknown, rest: unknown[]): Promise<unknown> {
    if (this.held.length) await this.send({ text: this.takeHeld() });
    return this.original.call(this.client, config, ...rest);
  }

  private takeHeld(last?: string): string {
    const all = last === undefined ? this.held : [...this.held, last];
    this.held = [];
    return all.join(';\n');
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
