import { Injectable } from '@nestjs/common';
import type { EvaluationCount } from '../../core/insights/evaluation-tally';
import type { Granularity } from '../../core/insights/insight-series';
import { PrismaService, txClient } from '../../infra/prisma/prisma.service';

export interface SeriesRow {
  at: Date;
  variation: number;
  count: number;
}

export interface SdkRow {
  sdk: string;
  count: number;
  lastAt: Date;
}

/** Evaluation counts: written in batches by each API node, read per flag and environment. */
@Injectable()
export class InsightsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Adds a batch to the counts in one transaction, once: the batch id goes into a ledger in the same
   * transaction, so a batch retried after a commit whose answer was lost is recognised and skipped.
   * Returns false for a batch already written. One statement for all rows (arrays unnested).
   */
  async addBatch(batchId: string, rows: EvaluationCount[]): Promise<boolean> {
    return this.prisma.transaction(async (tx) => {
      const db = txClient(tx);
      const fresh = await db.$executeRaw`
        INSERT INTO "InsightsFlush" ("id") VALUES (${batchId}::uuid) ON CONFLICT DO NOTHING`;
      if (fresh === 0) return false;
      await db.$executeRaw`
        INSERT INTO "FlagEvaluationCount" ("environmentId", "flagKey", "variation", "sdk", "bucket", "count", "lastAt")
        SELECT * FROM unnest(
          ${rows.map((r) => r.environmentId)}::uuid[], ${rows.map((r) => r.flagKey)}::text[],
          ${rows.map((r) => r.variation)}::int[], ${rows.map((r) => r.sdk)}::text[],
          ${rows.map((r) => r.bucket)}::timestamptz[], ${rows.map((r) => BigInt(r.count))}::bigint[],
          ${rows.map((r) => r.lastAt)}::timestamptz[])
        ON CONFLICT ("environmentId", "flagKey", "bucket", "variation", "sdk") DO UPDATE
          SET "count" = "FlagEvaluationCount"."count" + EXCLUDED."count",
              "lastAt" = GREATEST("FlagEvaluationCount"."lastAt", EXCLUDED."lastAt")`;
      return true;
    });
  }

  /** Counts per period and variation in [from, to), periods truncated in UTC. */
  async series(
    environmentId: string,
    flagKey: string,
    from: Date,
    to: Date,
    granularity: Granularity,
  ): Promise<SeriesRow[]> {
    const rows = await this.prisma.$queryRaw<{ at: Date; variation: number; count: bigint }[]>`
      SELECT date_trunc(${granularity}, "bucket" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "at",
             "variation", sum("count")::bigint AS "count"
      FROM "FlagEvaluationCount"
      WHERE "environmentId" = ${environmentId}::uuid AND "flagKey" = ${flagKey}
        AND "bucket" >= ${from} AND "bucket" < ${to}
      GROUP BY 1, 2 ORDER BY 1, 2`;
    return rows.map((r) => ({ at: r.at, variation: r.variation, count: Number(r.count) }));
  }

  /** Which SDKs evaluated the flag in [from, to), most evaluations first. */
  async sdks(environmentId: string, flagKey: string, from: Date, to: Date): Promise<SdkRow[]> {
    const rows = await this.prisma.$queryRaw<{ sdk: string; count: bigint; lastAt: Date }[]>`
      SELECT "sdk", sum("count")::bigint AS "count", max("lastAt") AS "lastAt"
      FROM "FlagEvaluationCount"
      WHERE "environmentId" = ${environmentId}::uuid AND "flagKey" = ${flagKey}
        AND "bucket" >= ${from} AND "bucket" < ${to}
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50`;
    return rows.map((r) => ({ sdk: r.sdk, count: Number(r.count), lastAt: r.lastAt }));
  }

  /** The last evaluation counted for the flag in the environment, within retention. */
  async lastEvaluatedAt(environmentId: string, flagKey: string): Promise<Date | null> {
    const rows = await this.prisma.$queryRaw<{ lastAt: Date | null }[]>`
      SELECT max("lastAt") AS "lastAt" FROM "FlagEvaluationCount"
      WHERE "environmentId" = ${environmentId}::uuid AND "flagKey" = ${flagKey}`;
    return rows[0]?.lastAt ?? null;
  }

  /** Deletes up to `batch` counts of minutes before `before` (and the ledger entries as old); returns how many counts. */
  async prune(before: Date, batch: number): Promise<number> {
    await this.prisma.$executeRaw`DELETE FROM "InsightsFlush" WHERE "flushedAt" < ${before}`;
    return this.prisma.$executeRaw`
      DELETE FROM "FlagEvaluationCount" WHERE ctid IN (
        SELECT ctid FROM "FlagEvaluationCount" WHERE "bucket" < ${before} LIMIT ${batch})`;
  }
}
