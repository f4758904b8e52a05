import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What to do when code running inside a transaction asks the pool for another connection
 * (DATABASE_NESTED_CONNECTIONS): `report` counts and logs it and lets it through, `refuse` fails
 * that query (tests and development, so the mistake is a failing test).
 */
export type NestedConnectionPolicy = 'report' | 'refuse';

/**
 * A transaction that reads on the pool while it holds its own connection needs two at once. With
 * as many such transactions in flight as the pool has connections, each waits for a connection
 * that only the others can give back: every one of them fails at the connect timeout, and a worker
 * with more jobs in hand than its pool stalls (bench/README.md, "more jobs in hand per worker").
 * Nothing in the types stops a service from calling a repository without its `tx`, so the
 * transaction's async context is marked here and the pool's connect looks at the mark.
 *
 * Only while the transaction's body runs: work it set off that goes on after it ended (a
 * notification sent after commit) is not inside it any more.
 */
const inside = new AsyncLocalStorage<Mark>();

interface Mark {
  open: boolean;
  /** Where the transaction was opened, when asked for (its frames), for asks whose own stack says nothing. */
  opener?: string[];
}

/**
 * Runs a transaction's body marked as inside it, until the body settles; `noteOpener` keeps where
 * the transaction was opened (a stack capture per transaction: for tests and development).
 */
export async function markedInside<T>(body: () => Promise<T>, noteOpener: boolean): Promise<T> {
  const mark: Mark = { open: true, opener: noteOpener ? callerFrames() : undefined };
  try {
    return await inside.run(mark, body);
  } finally {
    mark.open = false;
  }
}

/**
 * Runs `fn` unmarked: what it asks of the pool is not counted as asked inside the caller's
 * transaction. The caller then holds two connections on purpose, which is safe only where the
 * number of such callers at once is bounded below the pool (PrismaService.apart).
 */
export const unmarked = <T>(fn: () => T): T => inside.exit(fn);

/** The mark of the transaction whose body the caller runs in, while it has not settled. */
export function insideTransaction(): Mark | undefined {
  const mark = inside.getStore();
  return mark?.open ? mark : undefined;
}

/** What `refuse` fails the query with: a defect in the caller, not a state of the database (500). */
export class NestedConnectionError extends Error {
  constructor(site: string) {
    super(
      `a pool connection was asked for inside a transaction (${site}): pass the transaction (tx) to the ` +
        'repository (DATABASE_NESTED_CONNECTIONS=refuse)',
    );
    this.name = 'NestedConnectionError';
  }
}

/**
 * Where the connection was asked for, as the caller's stack frames without this module's, the
 * pool's and the libraries' (Prisma's own run to more than the default ten); V8's async stack
 * traces keep the awaiting callers. The first of them names the call site.
 */
export function callerFrames(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(
      (line) =>
        !/node_modules|node:|nested-connections|prisma\.service|transaction-runner|tracing\.ts|<anonymous>\)$/.test(
          line,
        ),
    )
    .slice(0, 12);
}
