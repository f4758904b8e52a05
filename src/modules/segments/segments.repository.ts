import { Injectable } from '@nestjs/common';
import type { SegmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { dbOf, PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

import type { ActorRef } from '../accounts/models/actor';
import type { SegmentRecord } from './segment-records';

type SegmentRow = Prisma.SegmentGetPayload<object>;

// Configurations are written only by SegmentWriteService, from core/patch's validated output.
const configOf = (json: Prisma.JsonValue) => fromJson<SegmentConfig>(json);
const toSegment = (row: SegmentRow): SegmentRecord => ({ ...row, config: configOf(row.config) });

/** Environment-scoped segments and their version history. */
@Injectable()
export class SegmentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async list(environmentId: string, take: number, skip: number): Promise<SegmentRecord[]> {
    const rows = await this.prisma.segment.findMany({
      where: { environmentId, deleted: false },
      orderBy: { key: 'asc' },
      take,
      skip,
    });
    return rows.map(toSegment);
  }

  /** The segment's row, deleted or not. */
  async find(environmentId: string, key: string): Promise<SegmentRecord | null> {
    const row = await this.prisma.segment.findUnique({ where: { environmentId_key: { environmentId, key } } });
    return row && toSegment(row);
  }

  /** The segment's configuration at a past version, if its snapshot is still kept. */
  async findAtVersion(environmentId: string, key: string, version: number, tx?: Tx): Promise<SegmentConfig | null> {
    const row = await dbOf(this.prisma, tx).segmentVersion.findFirst({
      where: { version, segment: { environmentId, key } },
      select: { config: true },
    });
    return row ? fromJson<SegmentConfig>(row.config) : null;
  }

  /** The segment's tags (none when it does not exist), for policy checks. */
  async tags(environmentId: string, key: string): Promise<string[]> {
    const row = await this.prisma.segment.findFirst({ where: { environmentId, key }, select: { config: true } });
    return row ? (fromJson<SegmentConfig>(row.config).tags ?? []) : [];
  }

  async findForUpdate(tx: Tx, environmentId: string, key: string): Promise<SegmentRecord | null> {
    const db = txClient(tx);
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Segment" WHERE "environmentId" = ${environmentId}::uuid AND "key" = ${key} FOR UPDATE`;
    const row = rows.length ? await db.segment.findUnique({ where: { id: rows[0].id } }) : null;
    return row && toSegment(row);
  }

  /** Keys of the live segments of these environments (in the caller's transaction when given). */
  liveKeys(tx: Tx | undefined, environmentIds: string[]): Promise<{ environmentId: string; key: string }[]> {
    if (environmentIds.length === 0) return Promise.resolve([]);
    return dbOf(this.prisma, tx).segment.findMany({
      where: { environmentId: { in: environmentIds }, deleted: false },
      select: { environmentId: true, key: true },
    });
  }

  /** Of `keys`, those live in the environment, locked FOR SHARE until the transaction ends. */
  async lockLive(tx: Tx, environmentId: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await txClient(tx).$queryRaw<{ key: string }[]>`
      SELECT "key" FROM "Segment"
      WHERE "environmentId" = ${environmentId}::uuid AND "key" IN (${Prisma.join(keys)}) AND "deleted" = false
      ORDER BY "key" FOR SHARE`;
    return rows.map((r) => r.key);
  }

  /** Keys of live segments of the environment (other than `key`) whose rules match segment `key`. */
  async usingSegment(tx: Tx, environmentId: string, key: string): Promise<string[]> {
    const rows = await txClient(tx).$queryRaw<{ key: string }[]>`
      SELECT s."key" FROM "Segment" s
      WHERE s."environmentId" = ${environmentId}::uuid AND s."deleted" = false AND s."key" <> ${key}
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(s."config"->'rules') r, jsonb_array_elements(r->'clauses') c
                    WHERE c->>'op' = 'segmentMatch' AND c->'values' @> ${JSON.stringify([key])}::jsonb)
      ORDER BY s."key"`;
    return rows.map((r) => r.key);
  }

  /** The live segments of one environment, read in the caller's transaction (for SegmentsReadModel). */
  async liveInEnvironment(tx: Tx, environmentId: string): Promise<SegmentConfig[]> {
    const rows = await txClient(tx).segment.findMany({
      where: { environmentId, deleted: false },
      select: { config: true },
    });
    return rows.map((r) => configOf(r.config));
  }

  create(tx: Tx, environmentId: string, config: SegmentConfig): Promise<{ id: string }> {
    return txClient(tx).segment.create({
      data: { environmentId, key: config.key, version: config.version, config: toJson(config) },
      select: { id: true },
    });
  }

  /** Re-creating a deleted segment reuses its row so versions keep increasing. */
  revive(tx: Tx, id: string, config: SegmentConfig): Promise<{ id: string }> {
    return txClient(tx).segment.update({
      where: { id },
      data: { version: config.version, config: toJson(config), deleted: false },
      select: { id: true },
    });
  }

  async update(tx: Tx, id: string, config: SegmentConfig): Promise<void> {
    await txClient(tx).segment.update({
      where: { id },
      data: { version: config.version, config: toJson(config), deleted: config.deleted },
    });
  }

  async insertVersion(
    tx: Tx,
    v: { segmentId: string; version: number; config: SegmentConfig; actor: ActorRef; comment: string },
  ): Promise<void> {
    await txClient(tx).segmentVersion.create({ data: { ...v, config: toJson(v.config), actor: toJson(v.actor) } });
  }
}
