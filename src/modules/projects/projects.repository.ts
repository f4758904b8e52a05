import { Injectable } from '@nestjs/common';
import { Prisma } from '../../infra/prisma/generated/client';
import { changedHere } from '../../infra/prisma/changed-here';
import { toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

import type { EnvironmentContext, ProjectContext, StoredApprovalSettings } from './project-context';

type EnvironmentRow = Prisma.EnvironmentGetPayload<object>;
type ProjectWithEnvs = Prisma.ProjectGetPayload<{ include: { environments: true } }>;
/** findByKeyAtRevision's project columns, prefixed so that they stand beside the environment's. */
type ProjectColumns = {
  [C in keyof Prisma.ProjectGetPayload<object> as `p.${C}`]: Prisma.ProjectGetPayload<object>[C];
};

/**
 * Environments in creation order; those created with their project share its transaction's time,
 * and among them the key decides (as Prisma's and the raw reads both sort).
 */
const ENVIRONMENT_ORDER: Prisma.EnvironmentOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { key: 'asc' }];
const WITH_ENVIRONMENTS = { environments: { orderBy: ENVIRONMENT_ORDER } } satisfies Prisma.ProjectInclude;

/** Approval settings are JSON columns written only through ApprovalSettingsRepository, from validated input. */
const storedSettings = (json: Prisma.JsonValue | null): StoredApprovalSettings | null =>
  json === null ? null : (json as StoredApprovalSettings);

export const toEnvironmentContext = (row: EnvironmentRow): EnvironmentContext => ({
  ...row,
  approvalSettings: storedSettings(row.approvalSettings),
});

// settingsRevision stays behind: it is read under a flag's lock by the write path (flags.repository.ts),
// never from a project read before the transaction.
export const toProjectContext = ({ settingsRevision: _, ...row }: ProjectWithEnvs): ProjectContext => ({
  ...row,
  approvalDefaults: storedSettings(row.approvalDefaults),
  environments: row.environments.map(toEnvironmentContext),
});

/** A project with its settings revision; `uncommitted`: read in the transaction that changed it. */
export interface ProjectRead {
  project: ProjectContext;
  settingsRevision: bigint;
  uncommitted: boolean;
}

export type NewEnvironment = Pick<
  EnvironmentContext,
  'key' | 'name' | 'color' | 'critical' | 'tags' | 'sdkKey' | 'clientSideId' | 'mobileKey'
>;

/** Projects and their environments (rows only; flag configurations belong to the flags module). */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /** What a policy decides on for every project: key and tags (cheap even for many projects). */
  async listKeysAndTags(): Promise<{ key: string; tags: string[] }[]> {
    return this.prisma.project.findMany({ select: { key: true, tags: true }, orderBy: { key: 'asc' } });
  }

  /** One page of the projects among `keys`, by key. */
  async listByKeys(keys: readonly string[], take: number, skip: number): Promise<ProjectContext[]> {
    const rows = await this.prisma.project.findMany({
      where: { key: { in: [...keys] } },
      include: WITH_ENVIRONMENTS,
      orderBy: { key: 'asc' },
      take,
      skip,
    });
    return rows.map(toProjectContext);
  }

  async listAll(): Promise<ProjectContext[]> {
    const rows = await this.prisma.project.findMany({ include: WITH_ENVIRONMENTS, orderBy: { key: 'asc' } });
    return rows.map(toProjectContext);
  }

  /**
   * A project by key with its settings revision, read in one statement (one row per environment):
   * nearly every request reads its project, and Prisma's runtime costs about as much again as the
   * query (bench/README.md). The project is what Prisma's `findUnique({ include: environments })`
   * returns (test/integration/raw-sql.spec.ts compares the two); the revision is for automation that
   * reads its project inside its transaction, so that the guardrail and freeze lists cached at that
   * revision (RevisionCache) are as current as a read of them in this transaction would be.
   */
  async findByKeyAtRevision(key: string, tx?: Tx): Promise<ProjectRead | null> {
    // p.changedHere: the project row was last written by this very transaction (every change to the
    // project or its environments bumps its settingsRevision, so writes the row): what this read
    // returns is not committed, and may never be.
    const rows = await this.prisma.sql<EnvironmentRow & ProjectColumns & { 'p.changedHere': boolean }>(
      tx,
      Prisma.sql`
      SELECT e.*, p."id" AS "p.id", p."key" AS "p.key", p."name" AS "p.name", p."tags" AS "p.tags",
             p."createdAt" AS "p.createdAt", p."updatedAt" AS "p.updatedAt", p."approvalDefaults" AS "p.approvalDefaults",
             p."settingsRevision" AS "p.settingsRevision",
             ${changedHere('p')} AS "p.changedHere"
      FROM "Project" p LEFT JOIN "Environment" e ON e."projectId" = p."id"
      WHERE p."key" = ${key}
      ORDER BY e."createdAt" ASC, e."key" ASC`,
    );
    if (!rows.length) return null;
    const [first] = rows;
    const project = toProjectContext({
      id: first['p.id'],
      key: first['p.key'],
      name: first['p.name'],
      tags: first['p.tags'],
      createdAt: first['p.createdAt'],
      updatedAt: first['p.updatedAt'],
      approvalDefaults: first['p.approvalDefaults'],
      settingsRevision: first['p.settingsRevision'],
      // A project with no environment comes back as one row of NULL environment columns.
      environments: rows
        .filter((r) => r.id !== null)
        .map((r) => {
          const env: Record<string, unknown> = { ...r };
          for (const c of Object.keys(env)) if (c.startsWith('p.')) delete env[c];
          return env as EnvironmentRow;
        }),
    });
    return { project, settingsRevision: first['p.settingsRevision'], uncommitted: first['p.changedHere'] };
  }

  async findByKeys(keys: readonly string[]): Promise<ProjectContext[]> {
    const rows = await this.prisma.project.findMany({ where: { key: { in: [...keys] } }, include: WITH_ENVIRONMENTS });
    return rows.map(toProjectContext);
  }

  async create(
    tx: Tx,
    data: { key: string; name: string; tags: string[]; environments: NewEnvironment[] },
  ): Promise<ProjectContext> {
    const row = await txClient(tx).project.create({
      data: {
        key: data.key,
        name: data.name,
        tags: data.tags,
        environments: { create: data.environments },
      },
      include: WITH_ENVIRONMENTS,
    });
    return toProjectContext(row);
  }

  async update(tx: Tx, id: string, data: { name?: string; tags?: string[] }): Promise<ProjectContext> {
    return toProjectContext(await txClient(tx).project.update({ where: { id }, data, include: WITH_ENVIRONMENTS }));
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await txClient(tx).project.delete({ where: { id } });
  }

  /**
   * Serialises, per project, the writes that must see each other: a flag created while an
   * environment is being created must still get a configuration in it, and vice versa.
   */
  async lockProject(tx: Tx, projectId: string): Promise<void> {
    await txClient(tx).$queryRaw`SELECT 1 FROM "Project" WHERE "id" = ${projectId}::uuid FOR UPDATE`;
  }

  /** The project's environments as committed now (call after lockProject, inside the transaction). */
  async listEnvironments(tx: Tx, projectId: string): Promise<EnvironmentContext[]> {
    const rows = await txClient(tx).environment.findMany({ where: { projectId }, orderBy: ENVIRONMENT_ORDER });
    return rows.map(toEnvironmentContext);
  }

  async createEnvironment(tx: Tx, projectId: string, env: NewEnvironment): Promise<EnvironmentContext> {
    return toEnvironmentContext(await txClient(tx).environment.create({ data: { ...env, projectId } }));
  }

  async updateEnvironment(
    tx: Tx,
    id: string,
    data: Partial<Pick<EnvironmentContext, 'name' | 'color' | 'critical' | 'tags' | 'sdkKey' | 'mobileKey'>>,
  ): Promise<EnvironmentContext> {
    return toEnvironmentContext(await txClient(tx).environment.update({ where: { id }, data }));
  }

  /** Locks one environment row until the transaction ends and reads it fresh. */
  async lockEnvironment(tx: Tx, projectId: string, key: string): Promise<EnvironmentContext | null> {
    await txClient(tx)
      .$queryRaw`SELECT 1 FROM "Environment" WHERE "projectId" = ${projectId}::uuid AND "key" = ${key} FOR UPDATE`;
    const row = await txClient(tx).environment.findUnique({ where: { projectId_key: { projectId, key } } });
    return row && toEnvironmentContext(row);
  }

  /** What protects an environment (its governance), written with the next governance version. */
  async updateEnvironmentGovernance(
    tx: Tx,
    id: string,
    data: Pick<EnvironmentContext, 'name' | 'color' | 'critical' | 'tags' | 'approvalSettings' | 'governanceVersion'>,
  ): Promise<EnvironmentContext> {
    const { approvalSettings, ...plain } = data;
    return toEnvironmentContext(
      await txClient(tx).environment.update({
        where: { id },
        data: { ...plain, approvalSettings: approvalSettings === null ? Prisma.DbNull : toJson(approvalSettings) },
      }),
    );
  }

  async deleteEnvironment(tx: Tx, id: string): Promise<void> {
    await txClient(tx).environment.delete({ where: { id } });
  }
}
