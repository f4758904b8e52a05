/**
 * Runs PrismaService.transaction (src/infra/prisma/transaction-runner.ts, lent-prisma.ts) against a
 * real PostgreSQL in its own Node process: `node -r ts-register-cached.js transaction-runner-checks.ts
 * <databaseUrl>`; prints what each check observed as JSON for test/integration/transaction-runner.spec.ts.
 * The process itself is one check: a connection error nobody listens for would end it.
 */
import type { GantryConfig } from '../../src/infra/config/config';
import { Prisma } from '../../src/infra/prisma/generated/client';
import { PrismaService, txClient, type Tx } from '../../src/infra/prisma/prisma.service';
import { isDatabaseUnavailable } from '../../src/infra/prisma/prisma-errors';
import { isTransactionTimeout } from '../../src/infra/prisma/transaction-errors';
import { Client } from 'pg';
import { faultProxy } from './fault-proxy';
import { runChecks } from './checks-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failure = (e: unknown) => ({
  name: (e as Error).name,
  code: (e as { code?: string }).code,
  timeout: isTransactionTimeout(e),
  unavailable: isDatabaseUnavailable(e),
});
const outcome = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (e: unknown) => ({ failed: failure(e) }),
  );

async function main(): Promise<void> {
  const [databaseUrl] = process.argv.slice(2);
  const prisma = new PrismaService({ databaseUrl, databasePoolSize: 2 } as GantryConfig);
  // How many of Prisma's own interactive transactions were opened (Prisma joins only when asked).
  let prismaOpened = 0;
  const $transaction = prisma.$transaction.bind(prisma) as (...a: unknown[]) => Promise<unknown>;
  (prisma as unknown as { $transaction: unknown }).$transaction = (...args: unknown[]) => {
    prismaOpened++;
    return $transaction(...args);
  };
  const out: Record<string, unknown> = {};
  const rows = async () => (await prisma.pool.query<{ x: number }>('SELECT x FROM tr ORDER BY x')).rows.map((r) => r.x);
  const insert = (x: number) => Prisma.sql`INSERT INTO tr VALUES (${x}::int)`;
  const pid = async (tx: Tx) =>
    (await prisma.sql<{ pid: number }>(tx, Prisma.sql`SELECT pg_backend_pid() AS pid`))[0].pid;
  try {
    await prisma.pool.query('CREATE TABLE tr (x int PRIMARY KEY)');

    // The isolation level asked for, and READ COMMITTED otherwise.
    const level = (tx: Tx) =>
      prisma.sql<{ l: string }>(tx, Prisma.sql`SELECT current_setting('transaction_isolation') AS l`);
    out.isolation = {
      asked: (await prisma.transaction(level, { isolationLevel: 'RepeatableRead' }))[0].l,
      serializable: (await prisma.transaction(level, { isolationLevel: 'Serializable' }))[0].l,
      default: (await prisma.transaction(level))[0].l,
    };

    // Prisma joins the transaction only when one of its statements is asked for, and then shares
    // its connection and its fate, whichever comes first.
    prismaOpened = 0;
    await prisma.transaction((tx) => prisma.sql(tx, insert(1)));
    const rawOnly = prismaOpened;
    const shared = await prisma.transaction(async (tx) => {
      const [{ pid: viaPrisma }] = await txClient(tx).$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await txClient(tx).$executeRaw`INSERT INTO tr VALUES (2)`;
      const [{ n }] = await prisma.sql<{ n: bigint }>(tx, Prisma.sql`SELECT count(*) AS n FROM tr WHERE x = 2`);
      return { samePid: viaPrisma === (await pid(tx)), rawSeesPrismaWrite: Number(n) === 1 };
    });
    const rolledBack = await outcome(
      prisma.transaction(async (tx) => {
        await prisma.sql(tx, insert(3));
        await txClient(tx).$executeRaw`INSERT INTO tr VALUES (4)`;
        throw new Error('give up');
      }),
    );
    out.prisma = { rawOnly, opened: prismaOpened, shared, rolledBack, rows: await rows() };

    // A statement of Prisma's that fails (a duplicate key) fails the transaction with Prisma's
    // error; nothing of it stays, and the connection is usable afterwards.
    out.prismaFailure = {
      result: await outcome(
        prisma.transaction(async (tx) => {
          await prisma.sql(tx, insert(5));
          await txClient(tx).$executeRaw`INSERT INTO tr VALUES (1)`;
        }),
      ),
      rows: await rows(),
      next: await Promise.all(
        [6, 7, 8].map((x) => prisma.transaction((tx) => prisma.sql(tx, insert(x)).then(() => x))),
      ),
    };

    // Both connections held by open transactions: a third that may wait 200 ms for one never
    // starts, and says so as a timeout; the two held ones then commit.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holding = [10, 11].map((x) =>
      prisma.transaction(async (tx) => {
        await prisma.sql(tx, insert(x));
        await gate;
      }),
    );
    await sleep(100);
    const starved = await outcome(prisma.transaction((tx) => prisma.sql(tx, insert(12)), { maxWait: 200 }));
    release();
    await Promise.all(holding);
    out.maxWait = { starved, rows: await rows() };

    // At its time limit with a statement in flight: the transaction fails as timed out once its
    // body settles, what it wrote is rolled back, and the connection goes back usable.
    out.timeoutInFlight = {
      result: await outcome(
        prisma.transaction(
          async (tx) => {
            await prisma.sql(tx, insert(20));
            await txClient(tx).$queryRaw`SELECT pg_sleep(0.6)`;
            return 'finished';
          },
          { timeout: 300 },
        ),
      ),
      rows: await rows(),
    };

    // The connection killed under an open transaction: the next statement fails as an unreachable
    // database, this process goes on (the socket's error has a listener), the dead connection is
    // not reused and nothing of the transaction stays.
    const killed = await outcome(
      prisma.transaction(async (tx) => {
        await prisma.sql(tx, insert(30));
        const victim = await pid(tx);
        // From another connection, on purpose.
        await prisma.apart(() => prisma.pool.query('SELECT pg_terminate_backend($1)', [victim]));
        await sleep(100);
        await prisma.sql(tx, insert(31));
      }),
    );
    out.killed = {
      killed,
      rows: await rows(),
      next: await Promise.all(
        [32, 33, 34].map((x) => prisma.transaction((tx) => prisma.sql(tx, insert(x)).then(() => x))),
      ),
    };
    out.lostCommit = await lostCommits(databaseUrl);
    process.stdout.write(JSON.stringify(out));
  } finally {
    await prisma.$disconnect();
    await prisma.pool.end().catch(() => undefined);
  }
}

/**
 * A COMMIT whose answer never arrives: the transaction's held write waits for a row lock another
 * session holds, so its COMMIT message sits at the server when the link (a fault proxy) is cut.
 * Then the lock holder lets go (the server commits what it had received) or the waiting backend is
 * terminated (nothing commits), and the link heals so the runner can ask what happened.
 */
async function lostCommits(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const direct = new Client({ connectionString: databaseUrl });
  await direct.connect();
  await direct.query('CREATE TABLE lk (id int PRIMARY KEY, n int NOT NULL); INSERT INTO lk VALUES (1, 0)');
  const proxy = await faultProxy(Number(url.port || 5432), url.hostname);
  url.port = String(proxy.port);
  const viaProxy = new PrismaService({ databaseUrl: url.toString(), databasePoolSize: 2 } as GantryConfig);
  const lost: unknown[] = [];
  (viaProxy as unknown as { onLostCommit: unknown }).onLostCommit = (xid: string, outcome: string) =>
    lost.push({ xidKnown: /^\d+$/.test(xid), outcome });
  const holder = new Client({ connectionString: databaseUrl });
  await holder.connect();
  const waitingBackend = async () => {
    for (;;) {
      const { rows } = await direct.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows.length) return rows[0].pid;
      await sleep(20);
    }
  };
  const attempt = async (x: number, end: (pid: number) => Promise<unknown>) => {
    await holder.query('BEGIN; SELECT * FROM lk WHERE id = 1 FOR UPDATE');
    const result = outcome(
      viaProxy.transaction(async (tx) => {
        await viaProxy.sql(tx, Prisma.sql`INSERT INTO tr VALUES (${x}::int)`);
        await viaProxy.sqlAtCommit(tx, Prisma.sql`UPDATE lk SET n = n + 1 WHERE id = 1`);
        return `wrote ${x}`;
      }),
    );
    const pid = await waitingBackend();
    await proxy.cut();
    await end(pid);
    await holder.query('COMMIT');
    await sleep(300);
    await proxy.heal();
    return result;
  };
  try {
    const committed = await attempt(50, () => Promise.resolve());
    const aborted = await attempt(51, (pid) => direct.query('SELECT pg_terminate_backend($1)', [pid]));
    const kept = await direct.query<{ x: number }>('SELECT x FROM tr WHERE x >= 50 ORDER BY x');
    const { rows: counter } = await direct.query<{ n: number }>('SELECT n FROM lk WHERE id = 1');
    return { committed, aborted, rows: kept.rows.map((r) => r.x), counter: counter[0].n, lost };
  } finally {
    await holder.end().catch(() => undefined);
    await direct.end().catch(() => undefined);
    await viaProxy.$disconnect();
    await viaProxy.pool.end().catch(() => undefined);
    await proxy.close();
  }
}

runChecks(main);
