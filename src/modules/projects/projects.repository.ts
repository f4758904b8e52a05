import { Injectable } from '@nestjs/common';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx } from '../../infra/prisma/prisma.service';

export type ProjectRow = Prisma.ProjectGetPayload<object>;
export type EnvironmentRow = Prisma.EnvironmentGetPayload<object>;
export type ProjectWithEnvs = Prisma.ProjectGetPayload<{ include: { environments: true } }>;

export interface NewEnvironment {
  key: string;
  name: string;
  color: string;
  critical: boolean;
  tags: string[];
  sdkKey: string;
  clientSideId: string;
  mobileKey: string;
}

/** Projects and their environments (rows only; flag configurations belong to the flags module). */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  list(take: number, skip: number): Promise<ProjectWithEnvs[]> {
    return this.prisma.project.findMany({
      include: { environments: { orderBy: { createdAt: 'asc' } } },
      orderBy: { key: 'asc' },
      take,
      skip,
    });
  }

  findByKey(key: string, tx: Tx | PrismaService = this.prisma): Promise<ProjectWithEnvs | null> {
    return tx.project.findUnique({ where: { key }, include: { environments: { orderBy: { createdAt: 'asc' } } } });
  }

  findByKeys(keys: readonly string[]): Promise<ProjectWithEnvs[]> {
    return this.prisma.project.findMany({
      where: { key: { in: [...keys] } },
      include: { environments: { orderBy: { createdAt: 'asc' } } },
    });
  }

  create(
    tx: Tx,
    data: { key: string; name: string; tags: string[]; environments: NewEnvironment[] },
  ): Promise<ProjectWithEnvs> {
    return tx.project.create({
      data: { key: data.key, name: data.name, tags: data.tags, environments: { create: data.environments } },
      include: { environments: { orderBy: { createdAt: 'asc' } } },
    });
  }

  update(tx: Tx, id: string, data: { name?: string; tags?: string[] }): Promise<ProjectWithEnvs> {
    return tx.project.update({ where: { id }, data, include: { environments: { orderBy: { createdAt: 'asc' } } } });
  }

  delete(tx: Tx, id: string) {
    return tx.project.delete({ where: { id } });
  }

  /**
   * Serialises, per project, the writes that must see each other: a flag created while an
   * environment is being created must still get a configuration in it, and vice versa.
   */
  async lockProject(tx: Tx, projectId: string): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM "Project" WHERE "id" = ${projectId}::uuid FOR UPDATE`;
  }

  /** The project's environments as committed now (call after lockProject, inside the transaction). */
  listEnvironments(tx: Tx, projectId: string): Promise<EnvironmentRow[]> {
    return tx.environment.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  }

  createEnvironment(tx: Tx, projectId: string, env: NewEnvironment): Promise<EnvironmentRow> {
    return tx.environment.create({ data: { ...env, projectId } });
  }

  updateEnvironment(
    tx: Tx,
    id: string,
    data: Partial<Pick<EnvironmentRow, 'name' | 'color' | 'critical' | 'tags' | 'sdkKey' | 'mobileKey'>>,
  ): Promise<EnvironmentRow> {
    return tx.environment.update({ where: { id }, data });
  }

  deleteEnvironment(tx: Tx, id: string) {
    return tx.environment.delete({ where: { id } });
  }
}
