import { Injectable } from '@nestjs/common';
import type { FlagState } from '../../core/approval';
import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import type { ActorRef } from '../accounts/models/actor';
import type { FlagConfigRecord, FlagRecord, FlagVersionRecord } from './flag-records';
import { configOf, definitionOf, toFlag, withConfigs } from './flag-rows';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import { prepared } from '../../infra/prisma/prepared-statements';

type FlagVersionRow = Prisma.FlagVersionGetPayload<object>;

const toVersion = (v: FlagVersionRow): FlagVersionRecord => ({
  version: v.version,
  createdAt: v.createdAt,
  // The actor is actorRef(actor) of the writer.
  actor: fromJson<ActorRef>(v.actor),
  comment: v.comment,
  definition: definitionOf(v.definition),
  config: configOf(v.config),
});

/** A flag as the lifecycle computation reads it (FlagsReadModel.lifecycleRows). */
export interface FlagLifecycleRow {
  id: string;
  key: string;
  createdAt: Date;
  archived: boolean;
  definition: FlagDefinition;
  environments: {
    environmentId: string;
    versions: { version: number; createdAt: Date; config: FlagEnvironmentConfig }[];
  }[];
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

  async find(projectId: string, key: string, tx?: Tx): Promise<FlagRecord | null> {
    const row = await dbOf(this.prisma, tx).flag.findUnique({
      where: { projectId_key: { projectId, key } },
      include: withConfigs,
    });
    return row && toFlag(row);
  }

  /** The flag's definition and its configuration in one environment, unlocked. */
  async findState(projectId: string, environmentId: string, key: string): Promise<FlagState | null> {
    const row = await this.prisma.flagEnvironment.findFirst({
      where: { environmentId, flag: { projectId, key } },
      select: { config: true, flag: { select: { definition: true } } },
    });
    return row
      ? {
          flag: definitionOf(row.flag.definition),
          environment: configOf(row.config),
        }
      : null;
  }

  /** The same at a past version of the environment's configuration, if its snapshot is still kept. */
  async findStateAt(
    projectId: string,
    environmentId: string,
    key: string,
    version: number,
    tx?: Tx,
  ): Promise<FlagState | null> {
    const row = await dbOf(this.prisma, tx).flagVersion.findFirst({
      where: { version, flagEnvironment: { environmentId, flag: { projectId, key } } },
      select: { definition: true, config: true },
    });
    return row
      ? {
          flag: definitionOf(row.definition),
          environment: configOf(row.config),
        }
      : null;
  }

  /** The flag's tags (none when it does not exist), for policy checks. */
  async tags(projectId: string, key: string): Promise<string[]> {
    const row = await this.prisma.flag.findUnique({
      where: { projectId_key: { projectId, key } },
      select: { definition: true },
    });
    return row ? (definitionOf(row.definition).tags ?? []) : [];
  }

  async list(projectId: string, q: FlagListQuery): Promise<FlagRecord[]> {
    const rows = await this.prisma.flag.findMany({
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
    return rows.map(toFlag);
  }

  async findByKeys(projectId: string, keys: readonly string[]): Promise<FlagRecord[]> {
    const rows = await this.prisma.flag.findMany({
      where: { projectId, key: { in: [...keys] } },
      include: withConfigs,
    });
    return rows.map(toFlag);
  }

  /** Every flag of the project (for prerequisite checks), inside the writer's transaction if any. */
  async listAll(tx: Tx | undefined, projectId: string): Promise<FlagRecord[]> {
    return (await dbOf(this.prisma, tx).flag.findMany({ where: { projectId }, include: withConfigs })).map(toFlag);
  }

  /** A flag's definition by project key (archived or not); for FlagsReadModel. */
  async definitionInProject(projectKey: string, key: string, tx?: Tx): Promise<FlagDefinition | null> {
    const row = await dbOf(this.prisma, tx).flag.findFirst({
      where: { key, project: { key: projectKey } },
      select: { definition: true },
    });
    return row && definitionOf(row.definition);
  }

  /** Definitions of several flags across projects in one query; missing ones are absent. */
  async definitionsByRefs(
    refs: readonly { projectKey: string; key: string }[],
  ): Promise<{ projectKey: string; definition: FlagDefinition }[]> {
    if (!refs.length) return [];
    const rows = await this.prisma.flag.findMany({
      where: { OR: refs.map((r) => ({ key: r.key, project: { key: r.projectKey } })) },
      select: { definition: true, project: { select: { key: true } } },
    });
    return rows.map((r) => ({ projectKey: r.project.key, definition: definitionOf(r.definition) }));
  }

  /** Definitions of the project's live (non-archived) flags; for FlagsReadModel. */
  async liveDefinitions(projectId: string): Promise<FlagDefinition[]> {
    const rows = await this.prisma.flag.findMany({
      where: { projectId, archived: false },
      select: { key: true, definition: true },
      orderBy: { key: 'asc' },
    });
    return rows.map((r) => ({ ...definitionOf(r.definition), key: r.key, archived: false }));
  }

  /** A flag's definition by project id (archived or not); for FlagsReadModel. */
  async definition(projectId: string, key: string): Promise<FlagDefinition | null> {
    const row = await this.prisma.flag.findUnique({
      where: { projectId_key: { projectId, key } },
      select: { definition: true },
    });
    return row && definitionOf(row.definition);
  }

  /** Every configuration in one environment with its flag's definition, in the caller's transaction. */
  async configsInEnvironment(
    tx: Tx,
    environmentId: string,
  ): Promise<{ definition: FlagDefinition; config: FlagEnvironmentConfig }[]> {
    const rows = await txClient(tx).flagEnvironment.findMany({
      where: { environmentId },
      select: { config: true, flag: { select: { definition: true } } },
    });
    return rows.map((r) => ({ definition: definitionOf(r.flag.definition), config: configOf(r.config) }));
  }

  /** Keys of every flag of the project, archived ones too. */
  async keys(projectId: string): Promise<string[]> {
    const rows = await this.prisma.flag.findMany({
      where: { projectId },
      select: { key: true },
      orderBy: { key: 'asc' },
    });
    return rows.map((r) => r.key);
  }

  /**
   * Every flag of the project with what its lifecycle is computed from: created at, archived, the
   * definition, and per environment its newest `versionsPerEnvironment` configurations (newest first).
   */
  async lifecycleRows(projectId: string, versionsPerEnvironment: number): Promise<FlagLifecycleRow[]> {
    const flags = await this.prisma.flag.findMany({
      where: { projectId },
      select: { id: true, key: true, createdAt: true, archived: true, definition: true },
      orderBy: { key: 'asc' },
    });
    const versions = await this.prisma.$queryRaw<
      { flagId: string; environmentId: string; version: number; createdAt: Date; config: Prisma.JsonValue }[]
    >`
      SELECT fe."flagId"::text AS "flagId", fe."environmentId"::text AS "environmentId",
             v."version", v."createdAt", v."config"
      FROM "Flag" f JOIN "FlagEnvironment" fe ON fe."flagId" = f."id"
      JOIN LATERAL (
        SELECT "version", "createdAt", "config" FROM "FlagVersion"
        WHERE "flagEnvironmentId" = fe."id" ORDER BY "version" DESC LIMIT ${versionsPerEnvironment}
      ) v ON true
      WHERE f."projectId" = ${projectId}::uuid
      ORDER BY 1, 2, v."version" DESC`;
    const byFlag = new Map<string, FlagLifecycleRow['environments']>();
    for (const v of versions) {
      const envs = byFlag.get(v.flagId) ?? byFlag.set(v.flagId, []).get(v.flagId)!;
      let env = envs.find((e) => e.environmentId === v.environmentId);
      if (!env) envs.push((env = { environmentId: v.environmentId, versions: [] }));
      env.versions.push({ version: v.version, createdAt: v.createdAt, config: configOf(v.config) });
    }
    return flags.map((f) => ({
      id: f.id,
      key: f.key,
      createdAt: f.createdAt,
      archived: f.archived,
      definition: definitionOf(f.definition),
      environments: byFlag.get(f.id) ?? [],
    }));
  }

  /** Keys of flags whose configuration in any environment has `key` as a prerequisite. */
  async dependents(tx: Tx, projectId: string, key: string): Promise<string[]> {
    const rows = await txClient(tx).$queryRaw<{ key: string }[]>`
      SELECT DISTINCT f."key" FROM "Flag" f JOIN "FlagEnvironment" fe ON fe."flagId" = f."id"
      WHERE f."projectId" = ${projectId}::uuid AND f."archived" = false
        AND fe."config"->'prerequisites' @> ${JSON.stringify([{ key }])}::jsonb`;
    return rows.map((r) => r.key).sort();
  }

  /** Keys of flags (archived ones too: they can be restored) in the environment with a segmentMatch clause naming this segment. */
  async usingSegment(tx: Tx, environmentId: string, key: string): Promise<string[]> {
    const rows = await txClient(tx).$queryRaw<{ key: string }[]>`
      SELECT f."key" FROM "FlagEnvironment" fe JOIN "Flag" f ON f."id" = fe."flagId"
      WHERE fe."environmentId" = ${environmentId}::uuid
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(fe."config"->'rules') r, jsonb_array_elements(r->'clauses') c
                    WHERE c->>'op' = 'segmentMatch' AND c->'values' @> ${JSON.stringify([key])}::jsonb)`;
    return rows.map((r) => r.key).sort();
  }

  create(tx: Tx, projectId: string, def: FlagDefinition): Promise<{ id: string }> {
    return txClient(tx).flag.create({
      data: { projectId, key: def.key, definition: toJson(def), archived: def.archived, version: 1 },
      select: { id: true },
    });
  }

  async updateDefinition(tx: Tx, id: string, def: FlagDefinition, version: number): Promise<void> {
    await txClient(tx).flag.update({
      where: { id },
      data: { definition: toJson(def), archived: def.archived, version },
    });
  }

  createConfig(
    tx: Tx,
    flagId: string,
    environmentId: string,
    config: FlagEnvironmentConfig,
  ): Promise<Pick<FlagConfigRecord, 'id'>> {
    return txClient(tx).flagEnvironment.create({
      data: { flagId, environmentId, version: config.version, config: toJson(config) },
      select: { id: true },
    });
  }

  /** The new current configuration and its snapshot in the history, in one statement. */
  async updateConfigWithVersion(
    tx: Tx,
    v: {
      flagEnvironmentId: string;
      definition: FlagDefinition;
      config: FlagEnvironmentConfig;
      actor: ActorRef;
      comment: string;
    },
  ): Promise<void> {
    const config = JSON.stringify(v.config);
    // Nothing reads it back in the write's transaction: sent just before its COMMIT (PrismaService.sqlAtCommit).
    await this.prisma.sqlAtCommit(
      tx,
      prepared(
        'flag_write',
        Prisma.sql`
      WITH "updated" AS (
        UPDATE "FlagEnvironment" SET "version" = ${v.config.version}::int, "config" = ${config}::jsonb, "updatedAt" = now()
        WHERE "id" = ${v.flagEnvironmentId}::uuid RETURNING "id"
      )
      INSERT INTO "FlagVersion" ("id", "flagEnvironmentId", "version", "definition", "config", "actor", "comment")
      SELECT gen_random_uuid(), "id", ${v.config.version}::int, ${JSON.stringify(v.definition)}::jsonb,
             ${config}::jsonb, ${JSON.stringify(v.actor)}::jsonb, ${v.comment}::text
      FROM "updated"`,
      ),
    );
  }

  async insertVersion(
    tx: Tx,
    v: {
      flagEnvironmentId: string;
      version: number;
      definition: FlagDefinition;
      config: FlagEnvironmentConfig;
      actor: ActorRef;
      comment: string;
    },
  ): Promise<void> {
    await txClient(tx).flagVersion.create({
      data: { ...v, definition: toJson(v.definition), config: toJson(v.config), actor: toJson(v.actor) },
    });
  }

  async listVersions(flagEnvironmentId: string, limit: number, beforeVersion?: number): Promise<FlagVersionRecord[]> {
    const rows = await this.prisma.flagVersion.findMany({
      where: { flagEnvironmentId, ...(beforeVersion ? { version: { lt: beforeVersion } } : {}) },
      orderBy: { version: 'desc' },
      take: limit,
    });
    return rows.map(toVersion);
  }

  async getVersion(flagEnvironmentId: string, version: number): Promise<FlagVersionRecord | null> {
    const row = await this.prisma.flagVersion.findUnique({
      where: { flagEnvironmentId_version: { flagEnvironmentId, version } },
    });
    return row && toVersion(row);
  }
}
