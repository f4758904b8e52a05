import { Injectable } from '@nestjs/common';
import type { GuardDecision, RecordedGuardCheck, Stage } from '../../core/release';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { BACKGROUND_TX, PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type { GuardCheck, GuardSettings } from '../guards/guard.service';
import type {
  Release,
  ReleaseBaseline,
  ReleaseCreator,
  ReleaseFailure,
  ReleaseHistoryEntry,
  ReleaseTargetRef,
} from './release-records';

const withContext = {
  environment: { select: { key: true, project: { select: { key: true } } } },
} satisfies Prisma.ReleaseInclude;
type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof withContext }>;

/** Every JSON column is written here from ReleasesService's validated input or the stepper's own values. */
const toRelease = ({ environment, ...r }: ReleaseRow): Release => ({
  ...r,
  projectKey: environment.project.key,
  environmentKey: environment.key,
  target: fromJson<ReleaseTargetRef>(r.target),
  stages: fromJson<Stage[]>(r.stages),
  guard: r.guard === null ? null : fromJson<GuardSettings>(r.guard),
  guardResult: r.guardResult === null ? null : fromJson<GuardCheck>(r.guardResult),
  baseline: fromJson<ReleaseBaseline>(r.baseline),
  createdBy: fromJson<ReleaseCreator>(r.createdBy),
  failure: r.failure === null ? null : fromJson<ReleaseFailure>(r.failure),
  history: fromJson<ReleaseHistoryEntry[]>(r.history),
});

export interface ReleaseUpdate {
  status?: string;
  activeKey?: string | null;
  currentStage?: number;
  nextStepAt?: Date | null;
  remainingMs?: number | null;
  failure?: ReleaseFailure;
  guardResult?: GuardCheck;
  history?: ReleaseHistoryEntry[];
}

/** Staged releases; one active per flag and environment (unique `activeKey`). */
@Injectable()
export class ReleasesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn, BACKGROUND_TX);
  }

  async find(id: string, tx?: Tx): Promise<Release | null> {
    const row = await dbOf(this.prisma, tx).release.findUnique({ where: { id }, include: withContext });
    return row && toRelease(row);
  }

  async findForUpdate(tx: Tx, id: string): Promise<Release | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "Release" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  async list(environmentId: string, flagKey: string): Promise<Release[]> {
    const rows = await this.prisma.release.findMany({
      where: { environmentId, flagKey },
      include: withContext,
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
    return rows.map(toRelease);
  }

  /**
   * A project's releases, newest first, in the given environments (those the caller may view), from
   * after `before` (the last row of the previous page: keyset on createdAt, then id).
   */
  async listInProject(q: {
    environmentIds: string[];
    flagKey?: string;
    statuses?: string[];
    before?: { createdAt: Date; id: string };
    limit: number;
  }): Promise<Release[]> {
    const { before } = q;
    const rows = await this.prisma.release.findMany({
      where: {
        environmentId: { in: q.environmentIds },
        ...(q.flagKey ? { flagKey: q.flagKey } : {}),
        ...(q.statuses ? { status: { in: q.statuses } } : {}),
        ...(before
          ? {
              OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }],
            }
          : {}),
      },
      include: withContext,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit,
    });
    return rows.map(toRelease);
  }

  /** Stores one guard check, in the transaction of the step that made it. */
  async recordGuardCheck(
    tx: Tx,
    releaseId: string,
    c: { stage: number; decision: GuardDecision; check: GuardCheck },
  ): Promise<void> {
    await txClient(tx).releaseGuardCheck.create({
      data: {
        releaseId,
        at: new Date(c.check.at),
        stage: c.stage,
        outcome: c.check.outcome,
        decision: c.decision,
        metrics: toJson(c.check.metrics),
      },
    });
  }

  /** A release's guard checks, oldest first. */
  async guardChecks(releaseId: string): Promise<RecordedGuardCheck[]> {
    const rows = await this.prisma.releaseGuardCheck.findMany({
      where: { releaseId },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => ({
      at: r.at,
      stage: r.stage,
      outcome: r.outcome as RecordedGuardCheck['outcome'],
      decision: r.decision as GuardDecision,
      metrics: fromJson<RecordedGuardCheck['metrics']>(r.metrics),
    }));
  }

  async create(
    tx: Tx,
    data: {
      environmentId: string;
      flagKey: string;
      activeKey: string;
      target: ReleaseTargetRef;
      stages: Stage[];
      baseline: ReleaseBaseline;
      baselineVersion: number;
      createdBy: ReleaseCreator;
      nextStepAt: Date;
      history: ReleaseHistoryEntry[];
      guard: GuardSettings | null;
    },
  ): Promise<Release> {
    const row = await txClient(tx).release.create({
      data: {
        ...data,
        status: 'running',
        target: toJson(data.target),
        stages: toJson(data.stages),
        baseline: toJson(data.baseline),
        createdBy: toJson(data.createdBy),
        history: toJson(data.history),
        guard: data.guard === null ? Prisma.DbNull : toJson(data.guard),
      },
      include: withContext,
    });
    return toRelease(row);
  }

  async update(tx: Tx, id: string, data: ReleaseUpdate): Promise<Release> {
    const { failure, history, guardResult, ...plain } = data;
    const row = await txClient(tx).release.update({
      where: { id },
      data: {
        ...plain,
        ...(failure !== undefined ? { failure: toJson(failure) } : {}),
        ...(history !== undefined ? { history: toJson(history) } : {}),
        ...(guardResult !== undefined ? { guardResult: toJson(guardResult) } : {}),
      },
      include: withContext,
    });
    return toRelease(row);
  }

  /** Running releases (the worker's start-up sweep). */
  /** Releases with a next step to take: running ones, and those a change freeze holds (paused with an alarm). */
  running(limit: number): Promise<{ id: string; currentStage: number; nextStepAt: Date | null }[]> {
    return this.prisma.release.findMany({
      where: { OR: [{ status: 'running' }, { status: 'paused', nextStepAt: { not: null } }] },
      orderBy: { nextStepAt: 'asc' },
      take: limit,
      select: { id: true, currentStage: true, nextStepAt: true },
    });
  }

  /**
   * The releases of a project a change freeze holds (paused, with an alarm at the freeze's end) made
   * due now, so their alarms ring again: a freeze removed early must not keep them waiting.
   */
  async rearmFreezeHeld(
    projectId: string,
    now: Date,
  ): Promise<{ id: string; currentStage: number; nextStepAt: Date }[]> {
    const where = { status: 'paused', nextStepAt: { gt: now }, environment: { projectId } };
    return this.prisma.transaction(async (tx) => {
      const db = txClient(tx);
      const held = await db.release.findMany({ where, select: { id: true, currentStage: true } });
      if (!held.length) return [];
      await db.release.updateMany({ where: { id: { in: held.map((r) => r.id) } }, data: { nextStepAt: now } });
      return held.map((r) => ({ ...r, nextStepAt: now }));
    });
  }
}
