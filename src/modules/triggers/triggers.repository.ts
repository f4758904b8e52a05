import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import { toProjectContext } from '../projects/projects.repository';
import type { TriggerAction } from './trigger-action';
import type { KeptBody } from './trigger-bodies';
import type { Trigger, TriggerCreator, TriggerWithProject } from './trigger-records';

const withContext = {
  environment: { select: { key: true, project: { select: { key: true } } } },
} satisfies Prisma.TriggerInclude;
type TriggerRow = Prisma.TriggerGetPayload<object>;

/** What firing needs besides the trigger: its environment and project, as the write path takes them. */
const withProject = {
  environment: { include: { project: { include: { environments: true } } } },
} satisfies Prisma.TriggerInclude;

/** JSON columns hold normalizeAction's output, TriggersService's creator and keptBody entries. */
const toTrigger = (r: TriggerRow, projectKey: string, environmentKey: string): Trigger => ({
  ...r,
  projectKey,
  environmentKey,
  action: fromJson<TriggerAction>(r.action),
  recentBodies: fromJson<KeptBody[]>(r.recentBodies),
  createdBy: fromJson<TriggerCreator>(r.createdBy),
});

const withKeys = ({ environment, ...r }: Prisma.TriggerGetPayload<{ include: typeof withContext }>) =>
  toTrigger(r, environment.project.key, environment.key);

/** Triggers; only the hash of a trigger's secret is ever stored. */
@Injectable()
export class TriggersRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async find(id: string, db?: Tx): Promise<Trigger | null> {
    const row = await dbOf(this.prisma, db).trigger.findUnique({ where: { id }, include: withContext });
    return row && withKeys(row);
  }

  async findBySecretHash(secretHash: string): Promise<TriggerWithProject | null> {
    const row = await this.prisma.trigger.findUnique({ where: { secretHash }, include: withProject });
    if (!row) return null;
    const { environment, ...trigger } = row;
    const project = toProjectContext(environment.project);
    return { ...toTrigger(trigger, project.key, environment.key), project };
  }

  /** Locks the row, then reads it fresh (see FlagLocksRepository.findForUpdate for why two statements). */
  async findForUpdate(tx: Tx, id: string): Promise<Trigger | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "Trigger" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  async list(environmentId: string, flagKey: string): Promise<Trigger[]> {
    const rows = await this.prisma.trigger.findMany({
      where: { environmentId, flagKey },
      include: withContext,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(withKeys);
  }

  async create(
    tx: Tx,
    data: {
      environmentId: string;
      flagKey: string;
      name: string;
      action: TriggerAction;
      secretHash: string;
      secretHint: string;
      enabled: boolean;
      createdBy: TriggerCreator;
    },
  ): Promise<Trigger> {
    const row = await txClient(tx).trigger.create({
      data: { ...data, action: toJson(data.action), createdBy: toJson(data.createdBy) },
      include: withContext,
    });
    return withKeys(row);
  }

  async update(
    tx: Tx,
    id: string,
    data: { name?: string; enabled?: boolean; secretHash?: string; secretHint?: string },
  ): Promise<Trigger> {
    return withKeys(await txClient(tx).trigger.update({ where: { id }, data, include: withContext }));
  }

  /** One call reached the write path: counted, with its body, whatever the outcome. */
  async recordCall(tx: Tx, id: string, at: Date, recentBodies: KeptBody[]): Promise<Trigger> {
    const row = await txClient(tx).trigger.update({
      where: { id },
      data: { triggerCount: { increment: 1 }, lastTriggeredAt: at, recentBodies: toJson(recentBodies) },
      include: withContext,
    });
    return withKeys(row);
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await txClient(tx).trigger.delete({ where: { id } });
  }
}
