import { Injectable } from '@nestjs/common';
import type { SegmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

export type SegmentRow = Prisma.SegmentGetPayload<object>;
const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Environment-scoped segments and their version history. */
@Injectable()
export class SegmentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  list(environmentId: string, take: number, skip: number): Promise<SegmentRow[]> {
    return this.prisma.segment.findMany({
      where: { environmentId, deleted: false },
      orderBy: { key: 'asc' },
      take,
      skip,
    });
  }

  find(environmentId: string, key: string): Promise<SegmentRow | null> {
    return this.prisma.segment.findUnique({ where: { environmentId_key: { environmentId, key } } });
  }

  async findForUpdate(tx: Tx, environmentId: string, key: string): Promise<SegmentRow | null> {
    const rows = await txClient(tx).$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Segment" WHERE "environmentId" = ${environmentId}::uuid AND "key" = ${key} FOR UPDATE`;
    return rows.length ? txClient(tx).segment.findUnique({ where: { id: rows[0].id } }) : null;
  }

  create(tx: Tx, environmentId: string, config: SegmentConfig) {
    return txClient(tx).segment.create({
      data: { environmentId, key: config.key, version: config.version, config: json(config) },
    });
  }

  /** Re-creating a deleted segment reuses its row so versions keep increasing. */
  revive(tx: Tx, id: string, config: SegmentConfig) {
    return txClient(tx).segment.update({
      where: { id },
      data: { version: config.version, config: json(config), deleted: false },
    });
  }

  update(tx: Tx, id: string, config: SegmentConfig) {
    return txClient(tx).segment.update({
      where: { id },
      data: { version: config.version, config: json(config), deleted: config.deleted },
    });
  }

  insertVersion(
    tx: Tx,
    v: { segmentId: string; version: number; config: SegmentConfig; actor: unknown; comment: string },
  ) {
    return txClient(tx).segmentVersion.create({ data: { ...v, config: json(v.config), actor: json(v.actor) } });
  }

  /** Keys of non-archived flags in the environment with a segmentMatch clause naming this segment. */
  async referencingFlags(tx: Tx, environmentId: string, key: string): Promise<string[]> {
    const rows = await txClient(tx).$queryRaw<{ key: string }[]>`
      SELECT f."key" FROM "FlagEnvironment" fe JOIN "Flag" f ON f."id" = fe."flagId"
      WHERE fe."environmentId" = ${environmentId}::uuid AND f."archived" = false
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(fe."config"->'rules') r, jsonb_array_elements(r->'clauses') c
                    WHERE c->>'op' = 'segmentMatch' AND c->'values' @> ${JSON.stringify([key])}::jsonb)`;
    return rows.map((r) => r.key).sort();
  }
}
