/**
 * Runs statements marked with prepared() (src/infra/prisma/prepared-statements.ts) against a real
 * PostgreSQL in their own Node process: `node -r ts-register-cached.js prepared-statements-checks.ts
 * <databaseUrl>`; prints what each check observed as JSON for test/integration/prepared-statements.spec.ts.
 */
import type { GantryConfig } from '../../src/infra/config/config';
import { Prisma } from '../../src/infra/prisma/generated/client';
import { prepared } from '../../src/infra/prisma/prepared-statements';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { recordPgMessages, runChecks } from './checks-process';

const pgErrorOf = (e: unknown) => ({ message: (e as Error).message, code: (e as { code?: string }).code });

/** Every message pg's clients send (one per round trip), as the statement texts in it. */
const messages = recordPgMessages();

/** What `fn` sent, message by message. */
async function sent(fn: () => Promise<unknown>): Promise<string[]> {
  messages.length = 0;
  await fn();
  return [...messages];
}

async function main(): Promise<void> {
  const [databaseUrl] = process.argv.slice(2);
  // One connection: every transaction below meets what the earlier ones prepared on it.
  const config = (preparedStatements: boolean) =>
    ({ databaseUrl, databasePoolSize: 1, database: { preparedStatements } }) as unknown as GantryConfig;
  const prisma = new PrismaService(config(true));
  const out: Record<string, unknown> = {};
  const rows = async () =>
    (await prisma.pool.query<{ x: number }>('SELECT x FROM kept ORDER BY x')).rows.map((r) => r.x);
  const find = (x: number) => prepared('find', Prisma.sql`SELECT x FROM kept WHERE x = ${x}::int FOR UPDATE`);
  const insert = (x: number) => prepared('keep', Prisma.sql`INSERT INTO kept VALUES (${x}::int)`);
  const write = (x: number) =>
    prisma.transaction(async (tx) => {
      await prisma.sql(tx, find(x));
      await prisma.sqlAtCommit(tx, insert(x));
    });
  try {
    await prisma.pool.query('CREATE TABLE kept (x int PRIMARY KEY)');

    // First use on the connection: each statement's PREPARE goes ahead, in a message of its own.
    out.first = await sent(() => write(1));
    out.second = await sent(() => write(2));
    out.afterWrites = await rows();
    out.onConnection = (
      await prisma.pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')
    ).rows.map((r) => r.name);

    // The same values through EXECUTE read back as bound parameters do.
    const values: unknown[] = ["it's a \\ back'slash", 'ünï€ødé', 42, 9007199254740993n, null, ['a', "d'e", null]];
    const probe = () =>
      prepared(
        'probe',
        Prisma.sql`SELECT ${values[0]}::text AS a, ${values[1]}::text AS b, ${values[2]}::int AS c,
          ${values[3]}::int8::text AS d, ${values[4]}::text AS e, ${values[5]}::text[] AS f`,
      );
    out.probe = {
      bound: (await prisma.pool.query({ text: probe().text, values: probe().values })).rows,
      executed: await prisma.transaction((tx) => prisma.sql(tx, probe())),
      // Outside a transaction: pg's own named statement, twice on the same connection.
      pooled: [await prisma.sql(undefined, probe()), await prisma.sql(undefined, probe())],
    };

    // A held write that fails the COMMIT's message on its first use: its PREPARE had a message of
    // its own and stays; the next transaction EXECUTEs it without preparing it again.
    const duplicate = () => prepared('again', Prisma.sql`INSERT INTO kept VALUES (${1}::int + ${0}::int)`);
    out.failing = await prisma
      .transaction((tx) => prisma.sqlAtCommit(tx, duplicate()))
      .then(() => 'committed', pgErrorOf);
    await prisma.pool.query('DELETE FROM kept WHERE x = 1');
    out.afterFailing = await sent(() => prisma.transaction((tx) => prisma.sqlAtCommit(tx, duplicate())));
    out.afterRetry = await rows();

    // A statement PostgreSQL cannot prepare fails its transaction with PostgreSQL's error, keeps
    // nothing, and leaves the connection usable.
    out.unpreparable = await prisma
      .transaction(async (tx) => {
        await prisma.sqlAtCommit(tx, insert(7));
        await prisma.sql(tx, prepared('bad', Prisma.sql`SELECT ${1} + ${2} AS sum`));
      })
      .then(() => 'committed', pgErrorOf);
    out.afterUnpreparable = await rows();
    await write(3);
    out.next = await rows();

    // Off: the same statements go inlined, as before.
    const plain = new PrismaService(config(false));
    try {
      out.off = await sent(() =>
        plain.transaction(async (tx) => {
          await plain.sql(tx, find(4));
          await plain.sqlAtCommit(tx, insert(4));
        }),
      );
    } finally {
      await plain.$disconnect();
      await plain.pool.end().catch(() => undefined);
    }
    process.stdout.write(JSON.stringify(out));
  } finally {
    await prisma.$disconnect();
    await prisma.pool.end().catch(() => undefined);
  }
}

runChecks(main);
