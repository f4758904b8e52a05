import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { BACKGROUND_TX, PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';

const withContext = {
  environment: { select: { key: true, project: { select: { key: true } } } },
} satisfies Prisma.ScheduledChangeInclude;
export type ScheduledChangeRow = Prisma.ScheduledChangeGetPayload<{ include: typeof withContext }>;

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Scheduled changes: rows are the state; the worker's alarms only wake it up. */
@Injectable()
export class SchedulesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn, BACKGROUND_TX);
  }

  find(id: string, db?: Tx): Promise<ScheduledChangeRow | null> {
    return dbOf(this.prisma, db).scheduledChange.findUnique({ where: { id }, include: withContext });
  }

  /** Locks the row, then reads it fresh (see FlagsRepository.findForUpdate). */
  async findForUpdate(tx: Tx, id: string): Promise<ScheduledChangeRow | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "ScheduledChange" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  list(environmentId: string, flagKey: string, status?: string): Promise<ScheduledChangeRow[]> {
    return this.prisma.scheduledChange.findMany({
      where: { environmentId, flagKey, ...(status ? { status } : {}) },
      include: withContext,
      orderBy: { executionDate: 'asc' },
    });
  }

  create(
    tx: Tx,
    data: {
      environmentId: string;
      flagKey: string;
      instructions: unknown;
      executionDate: Date;
      comment: string;
      createdBy: unknown;
    },
  ) {
    return txClient(tx).scheduledChange.create({
      data: { ...data, status: 'pending', instructions: json(data.instructions), createdBy: json(data.createdBy) },
      include: withContext,
    });
  }

  update(
    tx: Tx,
    id: string,
    data: {
      instructions?: unknown;
      executionDate?: Date;
      comment?: string;
      status?: string;
      failure?: unknown;
      appliedVersion?: number;
      appliedAt?: Date;
    },
  ) {
    const { instructions, failure, ...plain } = data;
    return txClient(tx).scheduledChange.update({
      where: { id },
      data: {
        ...plain,
        ...(instructions !== undefined ? { instructions: json(instructions) } : {}),
        ...(failure !== undefined ? { failure: json(failure) } : {}),
      },
      include: withContext,
    });
  }

  remove(tx: Tx, id: string) {
    return txClient(tx).scheduledChange.delete({ where: { id } });
  }

  /** Pending schedules, earliest first (the worker's start-up sweep). */
  pending(limit: number): Promise<{ id: string; executionDate: Date }[]> {
    return this.prisma.scheduledChange.findMany({
      where: { status: 'pending' },
      orderBy: { executionDate: 'asc' },
      take: limit,
      select: { id: true, executionDate: true },
    });
  }
}
