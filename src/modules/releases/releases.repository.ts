import { Injectable } from '@nestjs/common';
import type { FlagDefinition } from '../../core/model/flag-config';
import { Prisma } from '../../infra/prisma/generated/client';
import { BACKGROUND_TX, PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';

const withContext = {
  environment: { select: { key: true, project: { select: { key: true } } } },
} satisfies Prisma.ReleaseInclude;
export type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof withContext }>;

const json = (v: unknown) => v as Prisma.InputJsonValue;

export interface ReleaseUpdate {
  status?: string;
  activeKey?: string | null;
  currentStage?: number;
  nextStepAt?: Date | null;
  remainingMs?: number | null;
  failure?: unknown;
  guardResult?: unknown;
  history?: unknown[];
}

/** Staged releases; one active per flag and environment (unique `activeKey`). */
@Injectable()
export class ReleasesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn, BACKGROUND_TX);
  }

  find(id: string, db?: Tx): Promise<ReleaseRow | null> {
    return dbOf(this.prisma, db).release.findUnique({ where: { id }, include: withContext });
  }

  async findForUpdate(tx: Tx, id: string): Promise<ReleaseRow | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "Release" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  list(environmentId: string, flagKey: string): Promise<ReleaseRow[]> {
    return this.prisma.release.findMany({
      where: { environmentId, flagKey },
      include: withContext,
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
  }

  create(
    tx: Tx,
    data: {
      environmentId: string;
      flagKey: string;
      activeKey: string;
      target: unknown;
      stages: unknown;
      baseline: unknown;
      baselineVersion: number;
      createdBy: unknown;
      nextStepAt: Date;
      history: unknown[];
      guard: unknown;
    },
  ) {
    return txClient(tx).release.create({
      data: {
        ...data,
        status: 'running',
        target: json(data.target),
        stages: json(data.stages),
        baseline: json(data.baseline),
        createdBy: json(data.createdBy),
        history: json(data.history),
        guard: data.guard === null ? Prisma.DbNull : json(data.guard),
      },
      include: withContext,
    });
  }

  update(tx: Tx, id: string, data: ReleaseUpdate) {
    const { failure, history, guardResult, ...plain } = data;
    return txClient(tx).release.update({
      where: { id },
      data: {
        ...plain,
        ...(failure !== undefined ? { failure: json(failure) } : {}),
        ...(history !== undefined ? { history: json(history) } : {}),
        ...(guardResult !== undefined ? { guardResult: json(guardResult) } : {}),
      },
      include: withContext,
    });
  }

  /** Running releases (the worker's start-up sweep). */
  running(limit: number): Promise<{ id: string; currentStage: number; nextStepAt: Date | null }[]> {
    return this.prisma.release.findMany({
      where: { status: 'running' },
      orderBy: { nextStepAt: 'asc' },
      take: limit,
      select: { id: true, currentStage: true, nextStepAt: true },
    });
  }

  async flagDefinition(projectKey: string, flagKey: string): Promise<FlagDefinition | null> {
    const row = await this.prisma.flag.findFirst({
      where: { key: flagKey, project: { key: projectKey } },
      select: { definition: true },
    });
    return (row?.definition as unknown as FlagDefinition | undefined) ?? null;
  }
}
