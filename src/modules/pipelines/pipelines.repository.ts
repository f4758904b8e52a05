import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';

export type PipelineRow = Prisma.ReleasePipelineGetPayload<object>;
const withPipeline = {
  pipeline: { select: { key: true } },
  project: { select: { key: true } },
} satisfies Prisma.PipelineRunInclude;
export type RunRow = Prisma.PipelineRunGetPayload<{ include: typeof withPipeline }>;

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Release pipelines and their runs. */
@Injectable()
export class PipelinesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  list(projectId: string): Promise<PipelineRow[]> {
    return this.prisma.releasePipeline.findMany({ where: { projectId }, orderBy: { key: 'asc' } });
  }

  find(projectId: string, key: string): Promise<PipelineRow | null> {
    return this.prisma.releasePipeline.findUnique({ where: { projectId_key: { projectId, key } } });
  }

  create(tx: Tx, data: { projectId: string; key: string; name: string; description: string; phases: unknown }) {
    return txClient(tx).releasePipeline.create({ data: { ...data, phases: json(data.phases) } });
  }

  update(tx: Tx, id: string, data: { name?: string; description?: string; phases?: unknown }) {
    const { phases, ...plain } = data;
    return txClient(tx).releasePipeline.update({
      where: { id },
      data: { ...plain, ...(phases !== undefined ? { phases: json(phases) } : {}) },
    });
  }

  remove(tx: Tx, id: string) {
    return txClient(tx).releasePipeline.delete({ where: { id } });
  }

  findRun(id: string, db?: Tx): Promise<RunRow | null> {
    return dbOf(this.prisma, db).pipelineRun.findUnique({ where: { id }, include: withPipeline });
  }

  /** Locks the run for one advance; null if another worker holds it (it is advancing it now). */
  async lockRun(tx: Tx, id: string): Promise<RunRow | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "PipelineRun" WHERE "id" = ${id}::uuid FOR UPDATE SKIP LOCKED`;
    return locked.length ? this.findRun(id, tx) : null;
  }

  latestRun(projectId: string, flagKey: string): Promise<RunRow | null> {
    return this.prisma.pipelineRun.findFirst({
      where: { projectId, flagKey },
      orderBy: { createdAt: 'desc' },
      include: withPipeline,
    });
  }

  createRun(
    tx: Tx,
    data: {
      projectId: string;
      pipelineId: string;
      flagKey: string;
      variationId: string;
      activeKey: string;
      phases: unknown;
      audiences: unknown;
      createdBy: unknown;
      history: unknown[];
    },
  ) {
    return txClient(tx).pipelineRun.create({
      data: {
        ...data,
        status: 'running',
        phases: json(data.phases),
        audiences: json(data.audiences),
        createdBy: json(data.createdBy),
        history: json(data.history),
      },
      include: withPipeline,
    });
  }

  updateRun(
    tx: Tx,
    id: string,
    data: {
      status?: string;
      activeKey?: string | null;
      currentPhase?: number;
      audiences?: unknown;
      history?: unknown[];
    },
  ) {
    const { audiences, history, ...plain } = data;
    return txClient(tx).pipelineRun.update({
      where: { id },
      data: {
        ...plain,
        ...(audiences !== undefined ? { audiences: json(audiences) } : {}),
        ...(history !== undefined ? { history: json(history) } : {}),
      },
      include: withPipeline,
    });
  }

  runningRuns(limit: number): Promise<{ id: string }[]> {
    return this.prisma.pipelineRun.findMany({ where: { status: 'running' }, select: { id: true }, take: limit });
  }
}
