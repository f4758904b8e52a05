import { Injectable } from '@nestjs/common';
import type { ArmSummary } from '../../core/release';
import { PrismaService, type Tx, dbOf, txClient } from '../../infra/prisma/prisma.service';

/** What a guarded release watches (see the MetricDefinition model). */
export interface MetricDefinition {
  id: string;
  projectId: string;
  key: string;
  name: string;
  description: string;
  /** `count` or `numeric`. */
  kind: string;
  /** `higher_is_better` or `lower_is_better`. */
  direction: string;
  threshold: number;
  createdAt: Date;
  updatedAt: Date;
}

type NewMetric = Omit<MetricDefinition, 'id' | 'createdAt' | 'updatedAt'>;

export interface ArmQuery {
  environmentId: string;
  flagKey: string;
  metricKey: string;
  kind: 'count' | 'numeric';
  since: Date;
  treatmentVariation: number;
}

/** Metric definitions, and the per-variation aggregates a guard reads from stored SDK events. */
@Injectable()
export class GuardsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  listMetrics(projectId: string): Promise<MetricDefinition[]> {
    return this.prisma.metricDefinition.findMany({ where: { projectId }, orderBy: { key: 'asc' } });
  }

  findMetric(projectId: string, key: string): Promise<MetricDefinition | null> {
    return this.prisma.metricDefinition.findUnique({ where: { projectId_key: { projectId, key } } });
  }

  /** In `tx` when given (a release step reads them under its release's lock, on its one connection). */
  findMetrics(projectId: string, keys: string[], tx?: Tx): Promise<MetricDefinition[]> {
    return dbOf(this.prisma, tx).metricDefinition.findMany({ where: { projectId, key: { in: keys } } });
  }

  createMetric(tx: Tx, data: NewMetric): Promise<MetricDefinition> {
    return txClient(tx).metricDefinition.create({ data });
  }

  updateMetric(tx: Tx, id: string, data: Partial<Omit<NewMetric, 'projectId' | 'key'>>): Promise<MetricDefinition> {
    return txClient(tx).metricDefinition.update({ where: { id }, data });
  }

  async deleteMetric(tx: Tx, id: string): Promise<void> {
    await txClient(tx).metricDefinition.delete({ where: { id } });
  }

  /**
   * Control (every variation but the new one) and treatment (the new one) for one metric: each
   * context counts once, in the arm of the variation its latest feature event for the flag
   * reports. A count metric's value per context is 1 if it sent the event at least once, else 0;
   * a numeric one's is the mean metricValue it sent (contexts without a value are left out).
   * In `tx` when given, as findMetrics.
   */
  async arms(q: ArmQuery, tx?: Tx): Promise<{ control: ArmSummary; treatment: ArmSummary }> {
    const rows = await dbOf(this.prisma, tx).$queryRaw<
      { treatment: boolean; n: bigint; sum: number | null; sum_sq: number | null }[]
    >`
      WITH exposure AS (
        SELECT DISTINCT ON ("contextKeys"::text) "contextKeys"::text AS ctx, "variation"
        FROM "SdkEvent"
        WHERE "environmentId" = ${q.environmentId}::uuid AND "kind" = 'feature' AND "key" = ${q.flagKey}
          AND "createdAt" >= ${q.since} AND "variation" IS NOT NULL AND "contextKeys" IS NOT NULL
        ORDER BY "contextKeys"::text, "createdAt" DESC
      ), outcome AS (
        SELECT "contextKeys"::text AS ctx, avg("metricValue") AS mean
        FROM "SdkEvent"
        WHERE "environmentId" = ${q.environmentId}::uuid AND "kind" = 'custom' AND "key" = ${q.metricKey}
          AND "createdAt" >= ${q.since} AND "contextKeys" IS NOT NULL
        GROUP BY 1
      ), per_context AS (
        SELECT e."variation" = ${q.treatmentVariation} AS treatment,
               CASE WHEN ${q.kind} = 'count' THEN (CASE WHEN o.ctx IS NULL THEN 0 ELSE 1 END)::float8 ELSE o.mean END AS value
        FROM exposure e LEFT JOIN outcome o ON o.ctx = e.ctx
      )
      SELECT treatment, count(*) AS n, sum(value) AS sum, sum(value * value) AS sum_sq
      FROM per_context WHERE value IS NOT NULL GROUP BY treatment`;
    const arm = (t: boolean): ArmSummary => {
      const r = rows.find((x) => x.treatment === t);
      return { n: Number(r?.n ?? 0), sum: Number(r?.sum ?? 0), sumSquares: Number(r?.sum_sq ?? 0) };
    };
    return { control: arm(false), treatment: arm(true) };
  }
}
