import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, txClient } from '../../infra/prisma/prisma.service';
import { FlagsReadModel } from '../flags/flags.read-model';
import { SegmentsReadModel } from '../segments/segments.read-model';

/** PostgreSQL's text and jsonb cannot hold NUL: SDK-sent strings keep their place with U+FFFD instead. */
const NUL = /\0/g;
const pgText = (v: string) => v.replace(NUL, '\uFFFD');
const pgJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return pgText(v);
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.includes('\0')))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [pgText(k), x]));
    return v;
  });

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

  /** Every environment's SDK key, with the keys relay feeds scope by. */
  async sdkKeys(): Promise<{ id: string; sdkKey: string; key: string; projectKey: string }[]> {
    const rows = await this.prisma.environment.findMany({
      select: { id: true, sdkKey: true, key: true, project: { select: { key: true } } },
    });
    return rows.map((r) => ({ id: r.id, sdkKey: r.sdkKey, key: r.key, projectKey: r.project.key }));
  }

  environmentBySdkKey(sdkKey: string): Promise<{ id: string } | null> {
    return this.prisma.environment.findUnique({ where: { sdkKey }, select: { id: true } });
  }

  /** Deletes up to `batch` SDK events received before `before`; returns how many. */
  pruneEvents(before: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "SdkEvent" WHERE "id" IN (SELECT "id" FROM "SdkEvent" WHERE "receivedAt" < ${before} ORDER BY "id" LIMIT ${batch})`;
  }

  /**
   * One statement for the whole request (arrays unnested): the ORM's createMany costs several times
   * more per event than the insert itself at SDK event rates.
   */
  async insertEvents(events: NewSdkEvent[]): Promise<void> {
    if (!events.length) return;
    await this.prisma.$executeRaw`
      INSERT INTO "SdkEvent" ("environmentId", "kind", "key", "contextKeys", "variation", "metricValue", "createdAt", "payload")
      SELECT * FROM unnest(
        ${events.map((e) => e.environmentId)}::uuid[], ${events.map((e) => e.kind)}::text[],
        ${events.map((e) => (e.key === null ? null : pgText(e.key)))}::text[],
        ${events.map((e) => (e.contextKeys ? pgJson(e.contextKeys) : null))}::jsonb[],
        ${events.map((e) => e.variation)}::int[], ${events.map((e) => e.metricValue)}::float8[],
        ${events.map((e) => e.createdAt)}::timestamptz[], ${events.map((e) => pgJson(e.payload))}::jsonb[])`;
  }
}
