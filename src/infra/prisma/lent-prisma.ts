import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient } from 'pg';
import type { Prisma } from './generated/client';
import type { TransactionConnection } from './raw-connection';

type Db = Prisma.TransactionClient;
/** Opens one of Prisma's interactive transactions around `hold` (PrismaService.$transaction). */
type StartPrisma = (hold: (client: Db) => Promise<void>) => Promise<unknown>;

const lending = new AsyncLocalStorage<{ connection: TransactionConnection; taken: boolean }>();

/**
 * Prisma's side of a transaction that transaction-runner.ts opened on the pool: `db` is a Prisma
 * client that joins the transaction when the first of its statements is asked for, and never
 * before (most hot paths never ask).
 *
 * Joining opens one of Prisma's interactive transactions whose connection is this transaction's,
 * lent to Prisma's pg adapter (the pool's connect wrapper asks `lentConnection`). Prisma's BEGIN,
 * COMMIT and ROLLBACK on it are answered by the connection and not sent, and its release of the
 * connection does nothing: the transaction, and the connection, stay the runner's. Prisma's side is
 * ended (`end`) before the runner commits or rolls back.
 */
export class LentPrisma {
  private opened?: Promise<Db>;
  private settle?: (ok: boolean) => void;
  private done?: Promise<unknown>;
  readonly db: Db;

  constructor(
    private readonly connection: TransactionConnection,
    private readonly start: StartPrisma,
  ) {
    this.db = lazyClient(() => this.open());
  }

  /** Ends Prisma's side, if it was opened; with `ok`, what Prisma fails with (its own time limit, say) fails the transaction. */
  async end(ok: boolean): Promise<void> {
    if (!this.settle) return;
    this.settle(ok);
    if (ok) await this.done;
    else await this.done?.catch(() => undefined);
  }

  private open(): Promise<Db> {
    this.opened ??= new Promise<Db>((resolve, reject) => {
      const held = new Promise<void>((ended, failed) => {
        this.settle = (ok) => (ok ? ended() : failed(new Error('the transaction is rolling back')));
      });
      this.done = lending.run({ connection: this.connection, taken: false }, () =>
        this.start((client) => {
          resolve(client);
          return held;
        }),
      );
      // Prisma could not open its side: the statement that asked fails with why.
      this.done.catch(reject);
    });
    return this.opened;
  }
}

/** For the pool's connect wrapper: the connection lent to the Prisma transaction being opened here, if any. */
export function lentConnection(): PoolClient | undefined {
  const lend = lending.getStore();
  if (!lend || lend.taken) return undefined;
  lend.taken = true;
  const { connection } = lend;
  const client = {
    query: (config: { text: string }) => connection.fromPrisma(config),
    on: () => client,
    removeListener: () => client,
    release: () => undefined,
  };
  return client as unknown as PoolClient;
}

/**
 * A Prisma client whose every call (a model's operation, `$queryRaw`…) first waits for `open` and
 * then runs on what it opened. Operations run when called, not when awaited: every caller awaits.
 */
function lazyClient(open: () => Promise<Db>): Db {
  const members = new Map<string, unknown>();
  const call = (path: [string] | [string, string], args: unknown[]) =>
    open().then((db) => {
      const owner = (path.length === 1 ? db : (db as unknown as Record<string, object>)[path[0]]) as Record<
        string,
        (...a: unknown[]) => unknown
      >;
      return owner[path[path.length - 1]](...args);
    });
  return new Proxy({} as Db, {
    get(_, name) {
      // Not a thenable, and nothing behind symbols (inspection, iteration).
      if (typeof name !== 'string' || name === 'then') return undefined;
      let member = members.get(name);
      if (!member) {
        member = name.startsWith('$')
          ? (...args: unknown[]) => call([name], args)
          : new Proxy(
              {},
              {
                get: (__, op) =>
                  typeof op === 'string' && op !== 'then' ? (...args: unknown[]) => call([name, op], args) : undefined,
              },
            );
        members.set(name, member);
      }
      return member;
    },
  });
}
