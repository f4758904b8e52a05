import { Injectable } from '@nestjs/common';
import type { EvaluationCount } from '../../core/insights/evaluation-tally';
import type { Granularity } from '../../core/insights/insight-series';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService } from '../../infra/prisma/prisma.service';
import type { Tx } from '../../infra/prisma/tx';

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

const PERIODS: Granularity[] = ['minute', 'hour', 'day'];

/** Evaluation counts: written in batches by each API node, read per flag and environment. */
@Injectable()
export class InsightsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Adds a batch to the counts in one transaction, once: the batch id goes into a ledger in the same
   * transaction, so a batch retried after a commit whose answer was lost is recognised and skipped.
   * Returns false for a batch already written. One statement for all rows (arrays unnested). Plain
   * SQL (PrismaService.sql, sqlAtCommit): every API node flushes a batch every few seconds under SDK
   * load, and Prisma's runtime over these arrays was a few percent of an OFREP node's CPU.
   */
  async addBatch(batchId: string, rows: EvaluationCount[]): Promise<boolean> {
    return this.prisma.transaction(async (tx) => {
      const fresh = await this.prisma.sql(
        tx,
        Prisma.sql`INSERT INTO "InsightsFlush" ("id") VALUES (${batchId}::uuid) ON CONFLICT DO NOTHING RETURNING "id"`,
      );
      if (fresh.length === 0) return false;
      // Each row adds to its minute, hour and day; rows of one batch that share an hour or a day
      // are summed first (one INSERT may not update the same row twice).
      await this.prisma.sqlAtCommit(
        tx,
        Prisma.sql`
        INSERT INTO "FlagEvaluationCount"
          ("environmentId", "flagKey", "variation", "sdk", "period", "bucket", "count", "lastAt")
        SELECT r.env, r.flag, r.variation, r.sdk, p.period,
               date_trunc(p.period, r.bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum(r.count), max(r.last)
        FROM unnest(
          ${rows.map((r) => r.environmentId)}::uuid[], ${rows.map((r) => r.flagKey)}::text[],
          ${rows.map((r) => r.variation)}::int[], ${rows.map((r) => r.sdk)}::text[],
          ${rows.map((r) => r.bucket)}::timestamptz[], ${rows.map((r) => BigInt(r.count))}::bigint[],
          ${rows.map((r) => r.lastAt)}::timestamptz[]) AS r(env, flag, variation, sdk, bucket, count, last)
        CROSS JOIN unnest(${PERIODS}::text[]) AS p(period)
        GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT ("environmentId", "flagKey", "period", "bucket", "variation", "sdk") DO UPDATE
          SET "count" = "FlagEvaluationCount"."count" + EXCLUDED."count",
              "lastAt" = GREATEST("FlagEvaluationCount"."lastAt", EXCLUDED."lastAt")`,
      );
      return true;
    });
  }

  /** Counts per period and variation in [from, to), from the roll-up of that granularity. */
  async series(
    environmentId: string,
    flagKey: string,
    from: Date,
    to: Date,
    granularity: Granularity,
  ): Promise<SeriesRow[]> {
    const rows = await this.prisma.$queryRaw<{ at: Date; variation: number; count: bigint }[]>`
      SELECT "bucket" AS "at", "variation", sum("count")::bigint AS "count"
      FROM "FlagEvaluationCount"
      WHERE "environmentId" = ${environmentId}::uuid AND "flagKey" = ${flagKey} AND "period" = ${granularity}
        AND "bucket" >= ${from} AND "bucket" < ${to}
      GROUP BY 1, 2 ORDER BY 1, 2`;
    return rows.map((r) => ({ at: r.at, variation: r.variation, count: Number(r.count) }));
  }

  /** Which SDKs evaluated the flag in [from, to) (periods of `granularity`), most evaluations first. */
  async sdks(
    environmentId: string,
    flagKey: string,
    from: Date,
    to: Date,
    granularity: Granularity,
  ): Promise<SdkRow[]> {
    const rows = await this.prisma.$queryRaw<{ sdk: string; count: bigint; lastAt: Date }[]>`
      SELECT "sdk", sum("count")::bigint AS "count", max("lastAt") AS "lastAt"
      FROM "FlagEvaluationCount"
      WHERE "environmentId" = ${environmentId}::uuid AND "flagKey" = ${flagKey} AND "period" = ${granularity}
        AND "bucket" >= ${from} AND "bucket" < ${to}
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50`;
    return rows.map((r) => ({ sdk: r.sdk, count: Number(r.count), lastAt: r.lastAt }));
  }

  /** The last evaluation counted for the flag in the environment, within the days' retention. */
  async lastEvaluatedAt(environmentId: string, flagKey: string, tx?: Tx): Promise<Date | null> {
    const rows = await this.prisma.sql<{ lastAt: Date | null }>(
      tx,
      Prisma.sql`
      SELECT max("lastAt") AS "lastAt" FROM "FlagEvaluationCount"
      WHERE "environmentId" = ${environmentId}::uuid AND "flagKey" = ${flagKey} AND "period" = 'day'`,
    );
    return rows[0]?.lastAt ?? null;
  }

  /**
   * The last evaluation counted per flag in each of these environments (for lifecycle states), from
   * the day roll-up, which is kept longest.
   */
  async lastEvaluatedPerFlag(
    environmentIds: string[],
  ): Promise<{ environmentId: string; flagKey: string; lastAt: Date }[]> {
    if (!environmentIds.length) return [];
    return this.prisma.$queryRaw<{ environmentId: string; flagKey: string; lastAt: Date }[]>`
      SELECT "environmentId"::text AS "environmentId", "flagKey", max("lastAt") AS "lastAt"
      FROM "FlagEvaluationCount" WHERE "environmentId" = ANY(${environmentIds}::uuid[]) AND "period" = 'day'
      GROUP BY 1, 2`;
  }

  /** Deletes up to `batch` counts of `period` before `before`; returns how many. */
  prune(period: Granularity, before: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "FlagEvaluationCount" WHERE ctid IN (
        SELECT ctid FROM "FlagEvaluationCount" WHERE "period" = ${period} AND "bucket" < ${before} LIMIT ${batch})`;
  }

  /** Forgets batch ids older than `before` (a batch is only ever retried within minutes). */
  pruneLedger(before: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM "InsightsFlush" WHERE "flushedAt" < ${before}`;
  }
}
