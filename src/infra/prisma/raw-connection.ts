import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient, QueryResultRow } from 'pg';
import { types } from 'pg';

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
 * The connection is given back to the pool when Prisma ends the transaction, possibly on its own
 * (its timeout) while the callback still runs. A statement sent after that would run outside any
 * transaction, on a connection someone else may hold; so the capture closes as soon as Prisma
 * sends COMMIT or ROLLBACK, before they reach the wire, and a statement asked for later fails with
 * TransactionClosedError (nothing is sent). Statements queued before it run in the transaction and
 * end with it.
 */
export class RawConnection {
  private open = true;

  constructor(private readonly client: PoolClient) {}

  query<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    if (!this.open) return Promise.reject(new TransactionClosedError());
    return this.send<R>(text, values);
  }

  /** Called by the capture when Prisma ends the transaction. */
  close(): void {
    this.open = false;
  }

  private async send<R extends QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    const result = await this.client.query<R>({ text, values: values as unknown[], types: PRISMA_LIKE_TYPES });
    return result.rows;
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
  clients: PoolClient[];
  sealed: boolean;
}

const captures = new AsyncLocalStorage<Capture>();

/** Runs `start` (which opens a Prisma transaction) with a capture for the connection it takes. */
export function captureTransactionConnection<T>(start: () => Promise<T>): Promise<T> {
  return captures.run({ clients: [], sealed: false }, start);
}

/** For the pool's connect wrapper: a connection taken inside an open capture is the transaction's. */
export function noteConnection(client: PoolClient): void {
  const capture = captures.getStore();
  if (!capture || capture.sealed) return;
  capture.clients.push(client);
}

/**
 * At the start of the transaction's callback: seals the capture and returns the connection when
 * exactly one was taken (else undefined: the caller uses Prisma for everything).
 */
export function sealCapture(): RawConnection | undefined {
  const capture = captures.getStore();
  if (!capture || capture.sealed) return undefined;
  capture.sealed = true;
  if (capture.clients.length !== 1) return undefined;
  const client = capture.clients[0];
  const raw = new RawConnection(client);
  watchEnd(client, raw);
  return raw;
}

const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK|END|ABORT)\b/i;

/**
 * Closes `raw` when Prisma sends COMMIT or ROLLBACK on the client (checked before the statement is
 * queued), or when the client goes back to the pool, whichever is first; then puts the client's
 * own query method back.
 */
function watchEnd(client: PoolClient, raw: RawConnection) {
  // Both are called below with the client as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = client.query;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const release = client.release;
  const restore = () => {
    raw.close();
    client.query = query;
    client.release = release;
  };
  client.query = function (this: PoolClient, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    if (typeof text === 'string' && ENDS_TRANSACTION.test(text)) raw.close();
    return (query as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as PoolClient['query'];
  client.release = function (this: PoolClient, ...args: Parameters<PoolClient['release']>) {
    restore();
    return release.apply(this, args);
  };
}
