import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type { ProjectContext } from '../projects/project-context';
import { toProjectContext } from '../projects/projects.repository';

const withContext = {
  environment: { select: { key: true, project: { select: { key: true } } } },
} satisfies Prisma.TriggerInclude;
export type TriggerRow = Prisma.TriggerGetPayload<{ include: typeof withContext }>;

/** What firing needs besides the trigger: its environment and project, as the write path takes them. */
const withProject = {
  environment: { include: { project: { include: { environments: true } } } },
} satisfies Prisma.TriggerInclude;
type TriggerWithProjectRow = Prisma.TriggerGetPayload<{ include: typeof withProject }>;
export type TriggerWithProject = Omit<TriggerWithProjectRow, 'environment'> & {
  environment: { project: ProjectContext };
};

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Triggers; only the hash of a trigger's secret is ever stored. */
@Injectable()
export class TriggersRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  find(id: string, db?: Tx): Promise<TriggerRow | null> {
    return dbOf(this.prisma, db).trigger.findUnique({ where: { id }, include: withContext });
  }

  async findBySecretHash(secretHash: string): Promise<TriggerWithProject | null> {
    const row = await this.prisma.trigger.findUnique({ where: { secretHash }, include: withProject });
    return row && { ...row, environment: { project: toProjectContext(row.environment.project) } };
  }

  /** Locks the row, then reads it fresh (see FlagsRepository.findForUpdate for why two statements). */
  async findForUpdate(tx: Tx, id: string): Promise<TriggerRow | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "Trigger" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  list(environmentId: string, flagKey: string): Promise<TriggerRow[]> {
    return this.prisma.trigger.findMany({
      where: { environmentId, flagKey },
      include: withContext,
      orderBy: { createdAt: 'asc' },
    });
  }

  create(
    tx: Tx,
    data: {
      environmentId: string;
      flagKey: string;
      name: string;
      action: unknown;
      secretHash: string;
      secretHint: string;
      enabled: boolean;
      createdBy: unknown;
    },
  ) {
    return txClient(tx).trigger.create({
      data: { ...data, action: json(data.action), createdBy: json(data.createdBy) },
      include: withContext,
    });
  }

  update(tx: Tx, id: string, data: { name?: string; enabled?: boolean; secretHash?: string; secretHint?: string }) {
    return txClient(tx).trigger.update({ where: { id }, data, include: withContext });
  }

  /** One call reached the write path: counted, with its body, whatever the outcome. */
  recordCall(tx: Tx, id: string, at: Date, recentBodies: unknown[]) {
    return txClient(tx).trigger.update({
      where: { id },
      data: { triggerCount: { increment: 1 }, lastTriggeredAt: at, recentBodies: json(recentBodies) },
      include: withContext,
    });
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await txClient(tx).trigger.delete({ where: { id } });
  }

  /** The flag's tags (for policies scoped by tag), or null when the project has no such flag. */
  async flagTags(projectId: string, key: string): Promise<string[] | null> {
    const row = await this.prisma.flag.findUnique({
      where: { projectId_key: { projectId, key } },
      select: { definition: true },
    });
    return row ? ((row.definition as { tags?: string[] } | null)?.tags ?? []) : null;
  }
}
