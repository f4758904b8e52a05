import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { toJson } from '../../infra/prisma/json-columns';
import { PrismaService, txClient } from '../../infra/prisma/prisma.service';
import { FlagsReadModel } from '../flags/flags.read-model';
import { SegmentsReadModel } from '../segments/segments.read-model';

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

/** Reads for delivery: environment snapshots and SDK keys; and the events SDKs send. */
@Injectable()
export class DeliveryRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly flags: FlagsReadModel,
    private readonly segments: SegmentsReadModel,
  ) {}

  /**
   * Everything an environment serves, at one consistent revision: one REPEATABLE READ snapshot,
   * which the flags and segments read models read in, so the revision matches their rows.
   */
  async loadEnvironment(environmentId: string): Promise<EnvironmentData | null> {
    return this.prisma.transaction(
      async (tx) => {
        const env = await txClient(tx).environment.findUnique({
          where: { id: environmentId },
          select: { id: true, revision: true },
        });
        if (!env) return null;
        const flags = await this.flags.inEnvironment(tx, environmentId);
        const segments = await this.segments.inEnvironment(tx, environmentId);
        return { environmentId, revision: env.revision, flags, segments };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
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
