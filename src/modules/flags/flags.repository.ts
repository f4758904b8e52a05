import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';

const withConfigs = { environments: { include: { environment: true } } } satisfies Prisma.FlagInclude;
export type FlagRow = Prisma.FlagGetPayload<{ include: typeof withConfigs }>;
export type FlagVersionRow = Prisma.FlagVersionGetPayload<object>;

export const asJson = (v: unknown) => v as Prisma.InputJsonValue;

/** What the write path needs of a flag it has locked. */
export interface LockedFlag {
  id: string;
  key: string;
  definition: unknown;
  archived: boolean;
  version: number;
  environments: { id: string; environmentId: string; config: unknown; environment: { key: string } }[];
}

export interface FlagListQuery {
  archived?: boolean;
  tag?: string;
  query?: string;
  limit: number;
  offset: number;
}

/** Flags, their per-environment configuration rows and the version history. */
@Injectable()
export class FlagsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  find(projectId: string, key: string, tx?: Tx): Promise<FlagRow | null> {
    return dbOf(this.prisma, tx).flag.findUnique({
      where: { projectId_key: { projectId, key } },
      include: withConfigs,
    });
  }

  /**
   * Locks the flag row, then loads it with its configurations, so concurrent writes to one flag
   * apply one after another. Two statements on purpose: under READ COMMITTED a statement that
   * waited for the lock re-reads only the locked row, so configurations read in the same statement
   * could be stale; the second statement takes a fresh snapshot after the lock is held.
   */
  async findForUpdate(tx: Tx, projectId: string, key: string): Promise<LockedFlag | null> {
    const locked = await txClient(tx).$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Flag" WHERE "projectId" = ${projectId}::uuid AND "key" = ${key} FOR UPDATE`;
    if (!locked.length) return null;
    const rows = await txClient(tx).$queryRaw<LockedFlag[]>`
      SELECT f."id", f."key", f."definition", f."archived", f."version",
        COALESCE((SELECT json_agg(json_build_object('id', fe."id", 'environmentId', fe."environmentId",
                                                    'config', fe."config", 'environment', json_build_object('key', e."key")))
                  FROM "FlagEnvironment" fe JOIN "Environment" e ON e."id" = fe."environmentId"
                  WHERE fe."flagId" = f."id"), '[]'::json) AS "environments"
      FROM "Flag" f WHERE f."id" = ${locked[0].id}::uuid`;
    return rows[0] ?? null;
  }

  list(projectId: string, q: FlagListQuery): Promise<FlagRow[]> {
    return this.prisma.flag.findMany({
      where: {
        projectId,
        ...(q.archived !== undefined ? { archived: q.archived } : {}),
        ...(q.query ? { key: { contains: q.query, mode: 'insensitive' } } : {}),
        ...(q.tag ? { definition: { path: ['tags'], array_contains: [q.tag] } } : {}),
      },
      include: withConfigs,
      orderBy: { key: 'asc' },
      take: q.limit,
      skip: q.offset,
    });
  }

  findByKeys(projectId: string, keys: readonly string[]): Promise<FlagRow[]> {
    return this.prisma.flag.findMany({ where: { projectId, key: { in: [...keys] } }, include: withConfigs });
  }

  /** Every flag of the project (for prerequisite checks), inside the writer's transaction if any. */
  listAll(tx: Tx | undefined, projectId: string): Promise<FlagRow[]> {
    return dbOf(this.prisma, tx).flag.findMany({ where: { projectId }, include: withConfigs });
  }

  /** Keys of flags whose configuration in any environment has `key` as a prerequisite. */
  async dependents(tx: Tx, projectId: string, key: string): Promise<string[]> {
    const rows = await txClient(tx).$queryRaw<{ key: string }[]>`
      SELECT DISTINCT f."key" FROM "Flag" f JOIN "FlagEnvironment" fe ON fe."flagId" = f."id"
      WHERE f."projectId" = ${projectId}::uuid AND f."archived" = false
        AND fe."config"->'prerequisites' @> ${JSON.stringify([{ key }])}::jsonb`;
    return rows.map((r) => r.key).sort();
  }

  create(tx: Tx, projectId: string, def: FlagDefinition) {
    return txClient(tx).flag.create({
      data: { projectId, key: def.key, definition: asJson(def), archived: def.archived, version: 1 },
    });
  }

  updateDefinition(tx: Tx, id: string, def: FlagDefinition, version: number) {
    return txClient(tx).flag.update({
      where: { id },
      data: { definition: asJson(def), archived: def.archived, version },
    });
  }

  createConfig(tx: Tx, flagId: string, environmentId: string, config: FlagEnvironmentConfig) {
    return txClient(tx).flagEnvironment.create({
      data: { flagId, environmentId, version: config.version, config: asJson(config) },
    });
  }

  /** The new current configuration and its snapshot in the history, in one statement. */
  async updateConfigWithVersion(
    tx: Tx,
    v: {
      flagEnvironmentId: string;
      definition: FlagDefinition;
      config: FlagEnvironmentConfig;
      actor: unknown;
      comment: string;
    },
  ) {
    const config = JSON.stringify(v.config);
    await txClient(tx).$executeRaw`
      WITH "updated" AS (
        UPDATE "FlagEnvironment" SET "version" = ${v.config.version}::int, "config" = ${config}::jsonb, "updatedAt" = now()
        WHERE "id" = ${v.flagEnvironmentId}::uuid RETURNING "id"
      )
      INSERT INTO "FlagVersion" ("id", "flagEnvironmentId", "version", "definition", "config", "actor", "comment")
      SELECT gen_random_uuid(), "id", ${v.config.version}::int, ${JSON.stringify(v.definition)}::jsonb, ${config}::jsonb, ${JSON.stringify(v.actor)}::jsonb, ${v.comment}
      FROM "updated"`;
  }

  insertVersion(
    tx: Tx,
    v: {
      flagEnvironmentId: string;
      version: number;
      definition: FlagDefinition;
      config: FlagEnvironmentConfig;
      actor: unknown;
      comment: string;
    },
  ) {
    return txClient(tx).flagVersion.create({
      data: { ...v, definition: asJson(v.definition), config: asJson(v.config), actor: asJson(v.actor) },
    });
  }

  listVersions(flagEnvironmentId: string, limit: number, beforeVersion?: number): Promise<FlagVersionRow[]> {
    return this.prisma.flagVersion.findMany({
      where: { flagEnvironmentId, ...(beforeVersion ? { version: { lt: beforeVersion } } : {}) },
      orderBy: { version: 'desc' },
      take: limit,
    });
  }

  getVersion(flagEnvironmentId: string, version: number): Promise<FlagVersionRow | null> {
    return this.prisma.flagVersion.findUnique({ where: { flagEnvironmentId_version: { flagEnvironmentId, version } } });
  }
}
