import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../infra/prisma/prisma.service';

/** What the running and paused guarded releases of one environment read from SDK events. */
@Injectable()
export class ActiveGuardsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async of(environmentId: string): Promise<{ flagKey: string; metrics: string[] }[]> {
    const rows = await this.prisma.$queryRaw<{ flagKey: string; metrics: unknown }[]>`
      SELECT "flagKey", "guard"->'metrics' AS "metrics" FROM "Release"
      WHERE "environmentId" = ${environmentId}::uuid AND "activeKey" IS NOT NULL AND "guard" IS NOT NULL`;
    return rows.map((r) => ({
      flagKey: r.flagKey,
      metrics: Array.isArray(r.metrics) ? r.metrics.filter((m): m is string => typeof m === 'string') : [],
    }));
  }
}
