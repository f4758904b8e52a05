/**
 * Runs PrismaService.sqlAtCommit and the held BEGIN (src/infra/prisma/raw-connection.ts) against a
 * real PostgreSQL in their own Node process: `node -r ts-register-cached.js held-statements-checks.ts
 * <databaseUrl>`; prints what each check observed as JSON for test/integration/held-statements.spec.ts.
 */
import type { GantryConfig } from '../../src/infra/config/config';
import { inlineSql } from '../../src/infra/prisma/inline-sql';
import { Prisma } from '../../src/infra/prisma/generated/client';
import { hasOwnConnection, PrismaService, txClient } from '../../src/infra/prisma/prisma.service';
import { recordPgMessages, runChecks } from './checks-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorOf = (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message });
const pgErrorOf = (e: unknown) => ({ ...errorOf(e), code: (e as { code?: string }).code });

/** Every message pg's clients send (one per round trip), as the statement texts in it. */
const messages = recordPgMessages();

async function main(): Promise<void> {
  const [databaseUrl] = process.argv.slice(2);
  const prisma = new PrismaService({ databaseUrl, databasePoolSize: 2 } as GantryConfig);
  const out: Record<string, unknown> = {};
  const rows = async () =>
    (await prisma.pool.query<{ x: number }>('SELECT x FROM held ORDER BY x')).rows.map((r) => r.x);
  const insert = (x: number) => Prisma.sql`INSERT INTO held VALUES (${x}::int)`;
  try {
    await prisma.pool.query('CREATE TABLE held (x int PRIMARY KEY)');

    // The same values, bound as parameters and inlined as literals, read back the same.
    const values: unknown[] = [
      "it's a \\ back'slash",
      'ünï€ødé',
      '',
      42,
      -1.5,
      9007199254740993n,
      true,
      null,
      new Date('2026-03-04T05:06:07.089Z'),
      ['a', 'b"c', "d'e", 'f,g', '{h}', null],
      { nested: { quote: "'", list: [1, 'two', null] } },
      'untyped',
    ];
    const probe = Prisma.sql`SELECT ${values[0]}::text AS a, ${values[1]}::text AS b, ${values[2]}::text AS c,
      ${values[3]}::int AS d, ${values[4]}::float8 AS e, ${values[5]}::int8 AS f, ${values[6]}::boolean AS g,
      ${values[7]}::text AS h, ${values[8]}::timestamptz AS i, ${values[9]}::text[] AS j, ${values[10]}::jsonb AS k,
      ${values[11]} = 'untyped' AS l, '$1' AS not_a_placeholder, $$ $2 $$ AS dollar_quoted -- $3
      /* $4 */`;
    out.inlined = {
      bound: (await prisma.pool.query({ text: probe.text, values: probe.values })).rows,
      inlined: (await prisma.pool.query(inlineSql(probe.text, probe.values))).rows,
    };

    // Held writes run with the COMMIT, in order, in one message: later statements do not see them.
    messages.length = 0;
    out.seen = await prisma.transaction(async (tx) => {
      await prisma.sqlAtCommit(tx, insert(1));
      await prisma.sqlAtCommit(tx, insert(2));
      const [{ n }] = await prisma.sql<{ n: bigint }>(tx, Prisma.sql`SELECT count(*) AS n FROM held`);
      await prisma.sqlAtCommit(tx, insert(3));
      return { own: hasOwnConnection(tx), n: Number(n) };
    });
    out.messages = [...messages];
    out.afterCommit = await rows();

    // Only held writes: the BEGIN goes with them.
    messages.length = 0;
    await prisma.transaction((tx) => prisma.sqlAtCommit(tx, insert(4)));
    out.onlyHeld = [...messages];

    // BEGIN travels with the first statement, and the statements share one transaction.
    messages.length = 0;
    out.sameTransaction = await prisma.transaction(async (tx) => {
      const [a] = await prisma.sql<{ t: Date }>(tx, Prisma.sql`SELECT now() AS t`);
      await sleep(20);
      const [b] = await prisma.sql<{ t: Date }>(tx, Prisma.sql`SELECT now() AS t`);
      return a.t.getTime() === b.t.getTime();
    });
    out.firstMessages = [...messages];

    // A rollback drops held statements and undoes the sent ones.
    await prisma
      .transaction(async (tx) => {
        await prisma.sql(tx, insert(10));
        await prisma.sqlAtCommit(tx, insert(11));
        throw new Error('give up');
      })
      .catch(() => undefined);
    out.afterRollback = await rows();

    // A held write that fails ahead of the COMMIT fails the transaction: nothing of it stays,
    // and the connection goes back to the pool usable (not in an aborted transaction).
    out.failing = await prisma
      .transaction(async (tx) => {
        await prisma.sql(tx, insert(20));
        await prisma.sqlAtCommit(tx, insert(21));
        await prisma.sqlAtCommit(tx, insert(1)); // duplicate key
      })
      .then(
        () => 'committed',
        (e: unknown) => pgErrorOf(e),
      );
    out.afterFailing = await rows();
    out.next = await Promise.all(
      [30, 31, 32, 33].map((x) =>
        prisma.transaction(async (tx) => {
          await prisma.sqlAtCommit(tx, insert(x));
          return hasOwnConnection(tx);
        }),
      ),
    );

    // Transactions that send nothing, or only Prisma's own statements, behave as before.
    messages.length = 0;
    out.empty = await prisma.transaction(async () => 'done');
    await prisma.transaction(() => Promise.reject(new Error('nothing'))).catch(() => undefined);
    out.emptyMessages = [...messages];
    out.prismaOnly = await prisma.transaction(async (tx) => {
      await prisma.sqlAtCommit(tx, insert(41));
      await txClient(tx).$executeRaw`INSERT INTO held VALUES (40)`;
      return Number((await txClient(tx).$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM held WHERE x >= 40`)[0].n);
    });

    // A savepoint: its SAVEPOINT travels with the next statement; a body that fails is undone alone
    // (what it sent, what it held, a statement of its that failed) and the transaction goes on.
    messages.length = 0;
    out.savepoint = await prisma.transaction(async (tx) => {
      await prisma.sql(tx, insert(60));
      const kept = await prisma.savepoint(tx, async () => {
        await prisma.sql(tx, insert(61));
        await prisma.sqlAtCommit(tx, insert(62));
        return 'kept';
      });
      const undone = await prisma
        .savepoint(tx, async () => {
          await prisma.sql(tx, insert(63));
          await prisma.sqlAtCommit(tx, insert(64));
          throw new Error('refused');
        })
        .catch((e: Error) => e.message);
      const failed = await prisma
        .savepoint(tx, () => prisma.sql(tx, insert(60))) // duplicate key: the statement fails on the server
        .catch((e: { code?: string }) => e.code);
      const unsent = await prisma
        .savepoint(tx, async () => {
          await prisma.sqlAtCommit(tx, insert(65));
          throw new Error('refused before sending');
        })
        .catch((e: Error) => e.message);
      await prisma.sql(tx, insert(66));
      return { kept, undone, failed, unsent };
    });
    out.savepointMessages = [...messages];
    out.afterSavepoints = (await rows()).filter((x) => x >= 60);

    // Held after the transaction was given up at its time limit: refused, and nothing of it stays.
    let late: unknown;
    await prisma
      .transaction(
        async (tx) => {
          await prisma.sqlAtCommit(tx, insert(50));
          await sleep(800);
          try {
            await prisma.sqlAtCommit(tx, insert(51));
          } catch (e) {
            late = errorOf(e);
          }
        },
        { timeout: 300 },
      )
      .catch(() => undefined);
    await sleep(200);
    out.late = late;
    out.finalRows = (await rows()).filter((x) => x < 60);
    process.stdout.write(JSON.stringify(out));
  } finally {
    await prisma.$disconnect();
    await prisma.pool.end().catch(() => undefined);
  }
}

runChecks(main);
