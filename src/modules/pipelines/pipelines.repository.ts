import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type { PhaseState, PlanPhase } from './pipeline-model';
import type { Pipeline, PipelineRun, PipelineRunCreator, PipelineRunHistoryEntry } from './pipeline-records';

type PipelineRow = Prisma.ReleasePipelineGetPayload<object>;
const withPipeline = {
  pipeline: { select: { key: true } },
  project: { select: { key: true } },
} satisfies Prisma.PipelineRunInclude;
type RunRow = Prisma.PipelineRunGetPayload<{ include: typeof withPipeline }>;

// Phases are validated against the project by PipelinesService before they are stored.
const toPipeline = (p: PipelineRow): Pipeline => ({
  ...p,
  phases: fromJson<PlanPhase[]>(p.phases),
  forTags: p.forTags ?? [],
  expireAfterMs: p.expireAfterMs === null ? null : Number(p.expireAfterMs),
});

/** A run's JSON columns are its pipeline's phases and the states and entries the services write. */
const toRun = ({ pipeline, project, ...r }: RunRow): PipelineRun => ({
  ...r,
  projectKey: project.key,
  pipelineKey: pipeline.key,
  phases: fromJson<PlanPhase[]>(r.phases),
  audiences: fromJson<PhaseState[]>(r.audiences),
  expireAfterMs: Number(r.expireAfterMs),
  createdBy: fromJson<PipelineRunCreator>(r.createdBy),
  history: fromJson<PipelineRunHistoryEntry[]>(r.history),
});

/** The plan fields besides phases that create and update write. */
export interface PlanWrite {
  name?: string;
  description?: string;
  isDefault?: boolean;
  forTags?: string[];
  /** null clears it (the deployment's default applies); undefined leaves it. */
  expireAfterMs?: number | null;
}

const bigIntOf = (ms: number | null | undefined) =>
  ms === undefined ? {} : { expireAfterMs: ms === null ? null : BigInt(ms) };

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

  /**
   * `fn` apart from the look's transaction, in transactions of its own (PrismaService.apart): the
   * phase actions that still do that. PipelineRunner's limit on looks keeps them from starving the pool.
   */
  apart<T>(fn: () => Promise<T>): Promise<T> {
    return this.prisma.apart(fn);
  }

  /** `fn` inside the look's transaction, undone alone when it throws (PrismaService.savepoint). */
  savepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.savepoint(tx, fn);
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
    data: PlanWrite & { projectId: string; key: string; name: string; phases: PlanPhase[] },
  ): Promise<Pipeline> {
    const { phases, expireAfterMs, ...plain } = data;
    return toPipeline(
      await txClient(tx).releasePipeline.create({
        data: { ...plain, phases: toJson(phases), ...bigIntOf(expireAfterMs) },
      }),
    );
  }

  /** Every edit bumps the version (runs keep the copy they started with). */
  async update(tx: Tx, id: string, data: PlanWrite & { phases?: PlanPhase[] }): Promise<Pipeline> {
    const { phases, expireAfterMs, ...plain } = data;
    const row = await txClient(tx).releasePipeline.update({
      where: { id },
      data: {
        ...plain,
        ...(phases !== undefined ? { phases: toJson(phases) } : {}),
        ...bigIntOf(expireAfterMs),
        version: { increment: 1 },
      },
    });
    return toPipeline(row);
  }

  /** The project's one default plan stops being it (before another becomes it, in the same transaction). */
  async clearDefault(tx: Tx, projectId: string, exceptId?: string): Promise<void> {
    await txClient(tx).releasePipeline.updateMany({
      where: { projectId, isDefault: true, ...(exceptId ? { id: { not: exceptId } } : {}) },
      data: { isDefault: false },
    });
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

  /** Locks the run, waiting for a look in progress to end (people's and deploy signals' changes). */
  async lockRunWait(tx: Tx, id: string): Promise<PipelineRun | null> {
    await txClient(tx).$queryRaw`SELECT "id" FROM "PipelineRun" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.findRun(id, tx);
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
      planVersion: number;
      expireAfterMs: number;
      flagKey: string;
      variationId: string;
      activeKey: string;
      phases: PlanPhase[];
      audiences: PhaseState[];
      createdBy: PipelineRunCreator;
      history: PipelineRunHistoryEntry[];
    },
  ): Promise<PipelineRun> {
    const row = await txClient(tx).pipelineRun.create({
      data: {
        ...data,
        expireAfterMs: BigInt(data.expireAfterMs),
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
      lastProgressAt?: Date;
      audiences?: PhaseState[];
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

  /** Runs the worker looks at: running ones, and paused ones (which can still expire). */
  runningRuns(limit: number): Promise<{ id: string }[]> {
    return this.prisma.pipelineRun.findMany({
      where: { status: { in: ['running', 'paused'] } },
      select: { id: true },
      take: limit,
    });
  }

  /** The project's runs going on (running or paused) for these flags (a deploy signal's candidates). */
  async activeRuns(projectId: string, flagKeys: string[]): Promise<PipelineRun[]> {
    const rows = await this.prisma.pipelineRun.findMany({
      where: { projectId, flagKey: { in: flagKeys }, status: { in: ['running', 'paused'] } },
      include: withPipeline,
    });
    return rows.map(toRun);
  }
}
