import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { types } from 'pg';
import { executable, preparationOf, type Statement } from './prepared-statements';

/**
 * The pg connection of one transaction (transaction-runner.ts), and everything that goes over it
 * until the transaction ends: the raw statements of the hot write paths, sent directly (Prisma
 * spends about as much CPU on one raw query as pg and the socket do together: bench/README.md,
 * "Governance write latency"), and Prisma's own statements when the transaction needs them
 * (lent-prisma.ts).
 *
 * Fewer round trips, shorter locks: each statement costs a socket write, a read and a wake-up on
 * both sides, more than most of these statements take to run. So the BEGIN is held back and sent
 * with the transaction's first statement, and writes that nothing later in the transaction reads
 * (holdForCommit: a flag's version and outbox rows, audit entries) are held back and sent with the
 * COMMIT, in order, in one simple-protocol message (inline-sql.ts). The locks they take (the
 * environment's revision row, the audit chain's, for which every write of every environment
 * queues) are then held for that one message only: no round trip to this process, and no turn of
 * its event loop, falls inside them. Held writes that fail fail the transaction (the server skips
 * the rest of the message, COMMIT included).
 *
 * The price: a connection lost while that message waits for the audit chain's lock leaves the
 * write's outcome unknown to this process, as a connection lost during any COMMIT does, for the
 * length of that wait rather than of the commit alone. So the first message also asks for the
 * transaction's id (`xid`), which the hot paths' first statement (a row lock) has assigned: with
 * it the runner asks PostgreSQL afterwards what became of the transaction (transaction-runner.ts).
 * Either way the write is whole or absent.
 *
 * A statement marked as prepared (prepared-statements.ts) goes the same way, as an EXECUTE; the
 * first time a connection meets it, a message with its PREPARE goes ahead.
 *
 * A savepoint (`savepoint`) travels the same way: its SAVEPOINT goes with the next statement, and
 * only a body that fails costs a round trip (its ROLLBACK TO).
 *
 * Once the transaction ends (committed, rolled back, or given up at its time limit) the connection
 * is closed to its statements: one asked for later fails with TransactionClosedError and nothing is
 * sent, since it would run outside any transaction on a connection someone else may hold.
 * Statements queued before that run in the transaction and end with it.
 */
export class TransactionConnection {
  /** Statements not sent yet that go ahead of the next one, in its message: the BEGIN, SAVEPOINTs. */
  private ahead: string[];
  /** Whether the first message (with the BEGIN) went out. */
  private begun = false;
  /** Held writes, each as it will be sent (and the statement, for its PREPARE). */
  private atCommit: { sql: string; statement: Statement }[] = [];
  private savepoints = 0;
  private open = true;
  /** Set when a ROLLBACK of ours failed: the connection may still be inside the transaction, so it is not reused. */
  unusable?: Error;
  /**
   * The transaction's id (xid8, as text) when its first statement made PostgreSQL assign one (a
   * write or a row lock; a read-only statement assigns none), read in the same message.
   */
  xid?: string;

  constructor(
    private readonly client: PoolClient,
    begin = 'BEGIN',
  ) {
    this.ahead = [begin];
  }

  /**
   * One statement in the transaction (with the BEGIN, in one message, when it is the first); `name`
   * when it is prepared (prepared-statements.ts).
   */
  async query<R extends QueryResultRow>(text: string, values: readonly unknown[], name?: string): Promise<R[]> {
    this.mustBeOpen();
    const statement: Statement = { text, values, name };
    // Only a statement this connection has not prepared yet waits for a message of its own here.
    const preparation = preparationOf(this.client, [statement]);
    if (preparation) await this.prepare(preparation);
    const ahead = this.takeAhead();
    if (!ahead.length) {
      const message = name ? { text: executable(statement) } : { text, values };
      return (await this.send<R>({ ...message, types: PRISMA_LIKE_TYPES })).rows;
    }
    const first = this.markBegun();
    const results = await this.sendAll<R | { xid: string | null }>({
      text: `${ahead.map((s) => `${s};\n`).join('')}${executable(statement)}${first ? `\n;\n${XID_IF_ASSIGNED}` : ''}`,
      types: PRISMA_LIKE_TYPES,
    });
    if (!first) return results[results.length - 1].rows as R[];
    this.xid = (results[results.length - 1].rows[0] as { xid: string | null }).xid ?? undefined;
    return results[results.length - 2].rows as R[];
  }

  /**
   * Runs `body` so that its failure undoes only what it did, and the transaction goes on: its
   * statements are rolled back to a SAVEPOINT taken before it (the row locks they took released),
   * and the writes it held are dropped. A body that resolves costs nothing more (the savepoint
   * lasts until the transaction ends). The transaction's other statements must not run meanwhile.
   */
  async savepoint<T>(body: () => Promise<T>): Promise<T> {
    this.mustBeOpen();
    const name = `gantry_${++this.savepoints}`;
    const statement = `SAVEPOINT ${name}`;
    this.ahead.push(statement);
    const held = this.atCommit.length;
    try {
      return await body();
    } catch (e) {
      // Ended meanwhile (its time limit): the whole transaction is undone anyway.
      if (!this.open) throw e;
      this.atCommit.length = held;
      const unsent = this.ahead.indexOf(statement);
      // Nothing went out since the SAVEPOINT (it has not either): nothing to undo on the server.
      if (unsent >= 0) this.ahead.splice(unsent);
      else await this.query(`ROLLBACK TO SAVEPOINT ${name}`, []);
      throw e;
    }
  }

  /**
   * Holds a write back until just before the COMMIT (a rollback drops it). For writes that nothing
   * later in the transaction reads: later statements do not see it. What it would have thrown, the
   * commit throws.
   */
  holdForCommit(text: string, values: readonly unknown[], name?: string): void {
    this.mustBeOpen();
    const statement: Statement = { text, values, name };
    this.atCommit.push({ sql: executable(statement), statement });
  }

  /**
   * A statement as Prisma's pg adapter sends it (its config, with its own row mode and parsers),
   * after the BEGIN. Prisma's own BEGIN, COMMIT and ROLLBACK are answered here and not sent: the
   * transaction is this connection's, and it ends when the runner ends it.
   */
  async fromPrisma(config: { text: string }): Promise<unknown> {
    if (OWN_STATEMENT.test(config.text)) return emptyResult(config.text.trim().split(/\s/)[0].toUpperCase());
    this.mustBeOpen();
    const ahead = this.takeAhead();
    if (ahead.length) {
      this.markBegun();
      await this.send({ text: ahead.join(';\n') });
    }
    return this.sendAsIs(config);
  }

  /**
   * COMMIT, in one message after the held writes (and the BEGIN when nothing else was sent). When
   * that message fails, the transaction is rolled back here and the commit fails with the
   * statement's own error (pg's, with its SQLSTATE).
   */
  async commit(): Promise<void> {
    this.open = false;
    const ahead = this.takeAhead();
    const held = this.atCommit;
    this.atCommit = [];
    // Nothing reached the server and nothing is held: there is nothing to commit.
    if (!this.begun && !held.length) return;
    const preparation = preparationOf(
      this.client,
      held.map((h) => h.statement),
    );
    if (preparation) {
      try {
        await this.prepare(preparation);
      } catch (e) {
        if (this.begun) await this.rollbackSent();
        throw e;
      }
    }
    this.begun = true;
    const statements = [...ahead, ...held.map((h) => h.sql), 'COMMIT'];
    try {
      await this.send({ text: statements.join(';\n') });
    } catch (e) {
      await this.rollbackSent();
      throw e;
    }
  }

  /**
   * PREPAREs in a message of their own: before the BEGIN went out, outside the transaction; after,
   * inside it (its failure then fails the transaction, as the statement's own would have).
   */
  private async prepare(preparation: { text: string; done(): void }): Promise<void> {
    await this.send({ text: preparation.text });
    preparation.done();
  }

  /** Drops the held writes and undoes what was sent (with the BEGIN still held, nothing was). Never throws. */
  async rollback(): Promise<void> {
    this.open = false;
    this.atCommit = [];
    this.takeAhead();
    if (this.begun) await this.rollbackSent();
  }

  /** Never throws: a ROLLBACK that fails marks the connection unusable instead. */
  private async rollbackSent(): Promise<void> {
    await this.client.query('ROLLBACK').catch((e: Error) => void (this.unusable ??= e));
  }

  /** Refuses statements from now on (the transaction is ending); those already queued still run. */
  close(): void {
    this.open = false;
  }

  private mustBeOpen(): void {
    if (!this.open) throw new TransactionClosedError();
  }

  private takeAhead(): string[] {
    const ahead = this.ahead;
    this.ahead = [];
    return ahead;
  }

  /** Notes that a message went out; whether it is the first (the one that asks for the xid). */
  private markBegun(): boolean {
    const first = !this.begun;
    this.begun = true;
    return first;
  }

  /** One message; with several statements in it, the last one's result. */
  private async send<R extends QueryResultRow>(config: MessageConfig): Promise<QueryResult<R>> {
    const results = await this.sendAll<R>(config);
    return results[results.length - 1];
  }

  /** One message, each of its statements' results. */
  private async sendAll<R extends QueryResultRow>(config: MessageConfig): Promise<QueryResult<R>[]> {
    const result = (await this.sendAsIs(config)) as QueryResult<R> | QueryResult<R>[];
    return Array.isArray(result) ? result : [result];
  }

  /** pg's promise form of query, for a config its overloads do not spell (Prisma's row mode and parsers). */
  private sendAsIs(config: object): Promise<unknown> {
    return (this.client.query as (this: PoolClient, c: object) => Promise<unknown>).call(this.client, config);
  }
}

interface MessageConfig {
  text: string;
  values?: readonly unknown[];
  types?: typeof PRISMA_LIKE_TYPES;
}

/** The transaction's id if it has one; asking never assigns one (a read-only transaction stays without). */
const XID_IF_ASSIGNED = 'SELECT pg_current_xact_id_if_assigned()::text AS xid';

/** Prisma's statements that begin or end a transaction (answered by TransactionConnection.fromPrisma). */
const OWN_STATEMENT = /^\s*(BEGIN|COMMIT|ROLLBACK|END|ABORT)\s*;?\s*$/i;

/** A statement asked for after its transaction ended (at its time limit, say). */
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

function emptyResult(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}
