/**
 * Asks the pool for a connection inside a transaction (src/infra/prisma/nested-connections.ts)
 * against a real PostgreSQL, in a Node process of its own: `node -r ts-register-cached.js
 * nested-connection-checks.ts <databaseUrl>`; prints what each ask met as JSON for
 * test/integration/nested-connections.spec.ts.
 */
import { Logger } from '@nestjs/common';
import type { GantryConfig } from '../../src/infra/config/config';
import { MetricsService } from '../../src/infra/metrics/metrics.service';
import { Prisma } from '../../src/infra/prisma/generated/client';
import type { NestedConnectionPolicy } from '../../src/infra/prisma/nested-connections';
import { PrismaService, txClient } from '../../src/infra/prisma/prisma.service';
import { runChecks } from './checks-process';

const warnings: string[] = [];
const quiet = () => undefined;
Logger.overrideLogger({
  log: quiet,
  error: quiet,
  debug: quiet,
  verbose: quiet,
  warn: (m) => warnings.push(String(m)),
});

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.name,
  );
const one = Prisma.sql`SELECT 1 AS one`;

function service(databaseUrl: string, policy: NestedConnectionPolicy, metrics?: MetricsService): PrismaService {
  const database = { connectTimeoutMs: 2000, queryTimeoutMs: 5000, keepAliveMs: 0, nestedConnections: policy };
  return new PrismaService({ databaseUrl, databasePoolSize: 3, database } as GantryConfig, metrics);
}

async function counted(metrics: MetricsService): Promise<number> {
  return (await metrics.dbNestedConnections.get()).values[0]?.value ?? 0;
}

async function main(): Promise<void> {
  const [databaseUrl] = process.argv.slice(2);
  const refusing = service(databaseUrl, 'refuse');
  const metrics = new MetricsService();
  const reporting = service(databaseUrl, 'report', metrics);
  const out: Record<string, unknown> = {};
  try {
    // Under `refuse`: every way of reaching the pool from inside the body fails, the transaction's
    // own statements (raw and Prisma's) go on, and it commits.
    let afterwards: Promise<string> | undefined;
    out.refused = await refusing.transaction(async (tx) => {
      const asks = {
        rawOnPool: await outcome(refusing.sql(undefined, one)),
        prismaOnPool: await outcome(refusing.$queryRaw`SELECT 1`),
        // Batched by Prisma: its caller's frames are lost, the transaction's opener is logged instead.
        prismaBatched: await outcome(refusing.project.findUnique({ where: { key: 'none' } })),
        nestedTransaction: await outcome(refusing.transaction(async (inner) => refusing.sql(inner, one))),
        poolQuery: await outcome(refusing.pool.query('SELECT 1')),
        ownRaw: await outcome(refusing.sql(tx, one)),
        ownPrisma: await outcome(txClient(tx).$queryRaw`SELECT 1`),
        // Said to be apart on purpose (PrismaService.apart): a read and a transaction of its own.
        apart: await outcome(
          refusing.apart(async () => {
            await refusing.sql(undefined, one);
            await refusing.transaction((own) => refusing.sql(own, one));
          }),
        ),
      };
      // Set off inside, run after the transaction ended: not inside it any more.
      afterwards = new Promise((resolve) => setTimeout(() => resolve(outcome(refusing.sql(undefined, one))), 100));
      return asks;
    });
    out.afterwards = await afterwards;

    // A read made outside any transaction in the same tick as a transaction's own Prisma read:
    // Prisma dispatches the tick's batchable requests together, in the context of the first one. Not
    // the transaction's ask. The outside read starts 0 to 39 microtasks after the inside one, so
    // that in some round it comes second.
    const sameTick: string[] = [];
    for (let hops = 0; hops < 40; hops++) {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const inside = refusing.transaction(async (tx) => {
        await txClient(tx).$queryRaw`SELECT 1`;
        await opened;
        return outcome(txClient(tx).project.findUnique({ where: { key: 'inside' } }));
      });
      const outside = opened.then(async () => {
        for (let i = 0; i < hops; i++) await Promise.resolve();
        return outcome(refusing.project.findUnique({ where: { key: 'outside' } }));
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      open();
      sameTick.push(await inside, await outside);
    }
    out.sameTick = [...new Set(sameTick)];

    out.outside = await outcome(refusing.sql(undefined, one));
    // Two transactions at once, neither asking for more: both go through (the mark is per transaction).
    out.concurrent = await Promise.all([1, 2].map(() => outcome(refusing.transaction((tx) => refusing.sql(tx, one)))));

    const refusedWarnings = warnings.splice(0);

    // Under `report`: let through, counted each time, logged once per call site.
    const before = await counted(metrics);
    out.reported = await reporting.transaction(async () => {
      const asks: string[] = [];
      for (let i = 0; i < 3; i++) asks.push(await outcome(reporting.sql(undefined, one)));
      asks.push(await outcome(reporting.$queryRaw`SELECT 1`));
      return asks;
    });
    out.reportedCount = (await counted(metrics)) - before;
    out.outsideCount = await reporting.sql(undefined, one).then(async () => (await counted(metrics)) - before);
    out.warnings = warnings;
    out.refusedWarnings = refusedWarnings;
    process.stdout.write(JSON.stringify(out));
  } finally {
    for (const prisma of [refusing, reporting]) {
      await prisma.$disconnect();
      await prisma.pool.end().catch(() => undefined);
    }
  }
}

runChecks(main);
