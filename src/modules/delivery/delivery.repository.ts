import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService } from '../../infra/prisma/prisma.service';

export interface OutboxItem {
  id: bigint;
  environmentId: string;
  revision: bigint;
  kind: string;
  key: string;
  version: number;
  payload: unknown;
  createdAt: Date;
}

export interface EnvironmentData {
  environmentId: string;
  revision: bigint;
  flags: { definition: FlagDefinition; config: FlagEnvironmentConfig }[];
  segments: SegmentConfig[];
}

/** Reads for delivery: environment snapshots, outbox rows, SDK keys; and the events SDKs send. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Everything an environment serves, at one consistent revision (one REPEATABLE READ snapshot,
   * so the revision matches the rows read with it).
   */
  loadEnvironment(environmentId: string): Promise<EnvironmentData | null> {
    return this.prisma.$transaction(
      async (tx) => {
        const env = await tx.environment.findUnique({ where: { id: environmentId }, select: { id: true, revision: true } });
        if (!env) return null;
        const configs = await tx.flagEnvironment.findMany({ where: { environmentId }, select: { config: true, flag: { select: { definition: true } } } });
        const segments = await tx.segment.findMany({ where: { environmentId, deleted: false }, select: { config: true } });
        return {
          environmentId,
          revision: env.revision,
          flags: configs.map((c) => ({ definition: c.flag.definition as unknown as FlagDefinition, config: c.config as unknown as FlagEnvironmentConfig })),
          segments: segments.map((s) => s.config as unknown as SegmentConfig),
        };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  }

  /** Outbox rows of one environment after a revision, in order (to catch up after missed messages). */
  outboxSince(environmentId: string, afterRevision: bigint, limit: number): Promise<OutboxItem[]> {
    return this.prisma.outboxEvent.findMany({
      where: { environmentId, revision: { gt: afterRevision } },
      orderBy: { revision: 'asc' },
      take: limit,
    });
  }

  revisions(): Promise<{ id: string; revision: bigint }[]> {
    return this.prisma.environment.findMany({ select: { id: true, revision: true } });
  }

  sdkKeys(): Promise<{ id: string; sdkKey: string; mobileKey: string }[]> {
    return this.prisma.environment.findMany({ select: { id: true, sdkKey: true, mobileKey: true } });
  }

  environmentBySdkKey(sdkKey: string): Promise<{ id: string } | null> {
    return this.prisma.environment.findUnique({ where: { sdkKey }, select: { id: true } });
  }

  /**
   * Claims unpublished outbox rows (SKIP LOCKED, so relays in several processes share the work),
   * hands them to `publish`, and marks them published in the same transaction: a crash before the
   * commit leaves them for the next relay.
   */
  relayBatch(limit: number, publish: (items: OutboxItem[]) => Promise<void>): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const items = await tx.$queryRaw<OutboxItem[]>`
        SELECT "id", "environmentId"::text AS "environmentId", "revision", "kind", "key", "version", "payload", "createdAt"
        FROM "OutboxEvent" WHERE "publishedAt" IS NULL ORDER BY "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (!items.length) return 0;
      await publish(items);
      await tx.$executeRaw`UPDATE "OutboxEvent" SET "publishedAt" = now() WHERE "id" = ANY(${items.map((i) => i.id)}::bigint[])`;
      return items.length;
    });
  }

  insertEvents(rows: Prisma.SdkEventCreateManyInput[]): Promise<unknown> {
    return rows.length ? this.prisma.sdkEvent.createMany({ data: rows }) : Promise.resolve();
  }
}
