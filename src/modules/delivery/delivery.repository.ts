import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { toJson } from '../../infra/prisma/json-columns';
import { PrismaService, txClient } from '../../infra/prisma/prisma.service';

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

/** One SDK event as stored for release automation (see SdkEventsService). */
export interface NewSdkEvent {
  environmentId: string;
  kind: string;
  key: string | null;
  contextKeys?: Record<string, string>;
  variation: number | null;
  metricValue: number | null;
  createdAt: Date;
  payload: Record<string, unknown>;
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
    return this.prisma.transaction(
      async (tx) => {
        const env = await txClient(tx).environment.findUnique({
          where: { id: environmentId },
          select: { id: true, revision: true },
        });
        if (!env) return null;
        const configs = await txClient(tx).flagEnvironment.findMany({
          where: { environmentId },
          select: { config: true, flag: { select: { definition: true } } },
        });
        const segments = await txClient(tx).segment.findMany({
          where: { environmentId, deleted: false },
          select: { config: true },
        });
        return {
          environmentId,
          revision: env.revision,
          flags: configs.map((c) => ({
            definition: c.flag.definition as unknown as FlagDefinition,
            config: c.config as unknown as FlagEnvironmentConfig,
          })),
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
   * Claims and marks unpublished outbox rows in one statement (SKIP LOCKED, so relays in several
   * processes share the work). Publishing is at most once: a relay that dies right after this loses
   * the Redis messages, which is safe because every node also catches up from the outbox by revision.
   */
  claimUnpublished(limit: number): Promise<OutboxItem[]> {
    return this.prisma.$queryRaw<OutboxItem[]>`
      UPDATE "OutboxEvent" SET "publishedAt" = now()
      WHERE "id" IN (SELECT "id" FROM "OutboxEvent" WHERE "publishedAt" IS NULL ORDER BY "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING "id", "environmentId"::text AS "environmentId", "revision", "kind", "key", "version", "payload", "createdAt"`;
  }

  /** Deletes up to `batch` published outbox rows older than `before`; returns how many. */
  pruneOutbox(before: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "OutboxEvent" WHERE "id" IN (
        SELECT "id" FROM "OutboxEvent" WHERE "publishedAt" IS NOT NULL AND "createdAt" < ${before} ORDER BY "id" LIMIT ${batch})`;
  }

  /** Deletes up to `batch` SDK events received before `before`; returns how many. */
  pruneEvents(before: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "SdkEvent" WHERE "id" IN (SELECT "id" FROM "SdkEvent" WHERE "receivedAt" < ${before} ORDER BY "id" LIMIT ${batch})`;
  }

  async insertEvents(events: NewSdkEvent[]): Promise<void> {
    if (!events.length) return;
    const data = events.map(({ contextKeys, payload, ...e }) => ({
      ...e,
      ...(contextKeys ? { contextKeys } : {}),
      payload: toJson(payload),
    }));
    await this.prisma.sdkEvent.createMany({ data });
  }
}
