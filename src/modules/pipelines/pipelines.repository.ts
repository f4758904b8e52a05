import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type { AudienceState, Phase } from './pipeline-model';
import type { Pipeline, PipelineRun, PipelineRunCreator, PipelineRunHistoryEntry } from './pipeline-records';

type PipelineRow = Prisma.ReleasePipelineGetPayload<object>;
const withPipeline = {
  pipeline: { select: { key: true } },
  project: { select: { key: true } },
} satisfies Prisma.PipelineRunInclude;
type RunRow = Prisma.PipelineRunGetPayload<{ include: typeof withPipeline }>;

// Phases are validated against the project by PipelinesService before they are stored.
const toPipeline = (p: PipelineRow): Pipeline => ({ ...p, phases: fromJson<Phase[]>(p.phases) });

/** A run's JSON columns are its pipeline's phases and the states and entries the services write. */
const toRun = ({ pipeline, project, ...r }: RunRow): PipelineRun => ({
  ...r,
  projectKey: project.key,
  pipelineKey: pipeline.key,
  phases: fromJson<Phase[]>(r.phases),
  audiences: fromJson<AudienceState[]>(r.audiences),
  createdBy: fromJson<PipelineRunCreator>(r.createdBy),
  history: fromJson<PipelineRunHistoryEntry[]>(r.history),
});

const orNull =
  <R, T>(map: (row: R) => T) =>
  (row: R | null): T | null =>
    row && map(row);

/** Release pipelines and their runs. */
@Injectable()
export class PipelinesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async list(projectId: string): Promise<Pipeline[]> {
    return (await this.prisma.releasePipeline.findMany({ where: { projectId }, orderBy: { key: 'asc' } })).map(
      toPipeline,
    );
  }

  async find(projectId: string, key: string): Promise<Pipeline | null> {
    return orNull(toPipeline)(
      await this.prisma.releasePipeline.findUnique({ where: { projectId_key: { projectId, key } } }),
    );
  }

  async create(
    tx: Tx,
    data: { projectId: string; key: string; name: string; description: string; phases: Phase[] },
  ): Promise<Pipeline> {
    return toPipeline(await txClient(tx).releasePipeline.create({ data: { ...data, phases: toJson(data.phases) } }));
  }

  async update(tx: Tx, id: string, data: { name?: string; description?: string; phases?: Phase[] }): Promise<Pipeline> {
    const { phases, ...plain } = data;
    const row = await txClient(tx).releasePipeline.update({
      where: { id },
      data: { ...plain, ...(phases !== undefined ? { phases: toJson(phases) } : {}) },
    });
    return toPipeline(row);
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await txClient(tx).releasePipeline.delete({ where: { id } });
  }

  async findRun(id: string, db?: Tx): Promise<PipelineRun | null> {
    return orNull(toRun)(await dbOf(this.prisma, db).pipelineRun.findUnique({ where: { id }, include: withPipeline }));
  }

  /** Locks the run for one advance; null if another worker holds it (it is advancing it now). */
  async lockRun(tx: Tx, id: string): Promise<PipelineRun | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "PipelineRun" WHERE "id" = ${id}::uuid FOR UPDATE SKIP LOCKED`;
    return locked.length ? this.findRun(id, tx) : null;
  }

  async latestRun(projectId: string, flagKey: string): Promise<PipelineRun | null> {
    const row = await this.prisma.pipelineRun.findFirst({
      where: { projectId, flagKey },
      orderBy: { createdAt: 'desc' },
      include: withPipeline,
    });
    return orNull(toRun)(row);
  }

  async createRun(
    tx: Tx,
    data: {
      projectId: string;
      pipelineId: string;
      flagKey: string;
      variationId: string;
      activeKey: string;
      phases: Phase[];
      audiences: AudienceState[];
      createdBy: PipelineRunCreator;
      history: PipelineRunHistoryEntry[];
    },
  ): Promise<PipelineRun> {
    const row = await txClient(tx).pipelineRun.create({
      data: {
        ...data,
        status: 'running',
        phases: toJson(data.phases),
        audiences: toJson(data.audiences),
        createdBy: toJson(data.createdBy),
        history: toJson(data.history),
      },
      include: withPipeline,
    });
    return toRun(row);
  }

  async updateRun(
    tx: Tx,
    id: string,
    data: {
      status?: string;
      activeKey?: string | null;
      currentPhase?: number;
      audiences?: AudienceState[];
      history?: PipelineRunHistoryEntry[];
    },
  ): Promise<PipelineRun> {
    const { audiences, history, ...plain } = data;
    const row = await txClient(tx).pipelineRun.update({
      where: { id },
      data: {
        ...plain,
        ...(audiences !== undefined ? { audiences: toJson(audiences) } : {}),
        ...(history !== undefined ? { history: toJson(history) } : {}),
      },
      include: withPipeline,
    });
    return toRun(row);
  }

  runningRuns(limit: number): Promise<{ id: string }[]> {
    return this.prisma.pipelineRun.findMany({ where: { status: 'running' }, select: { id: true }, take: limit });
  }
}
