import { Injectable } from '@nestjs/common';
import type { GuardDecision, PhaseOrigin, RecordedGuardCheck, Stage } from '../../core/release';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { BACKGROUND_TX, PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';
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
  origin: r.origin === null ? null : fromJson<PhaseOrigin>(r.origin),
  failure: r.failure === null ? null : fromJson<ReleaseFailure>(r.failure),
  history: fromJson<ReleaseHistoryEntry[]>(r.history),
});

/** A release row as the raw reads return it: the Release columns and the two keys of its place. */
type RawReleaseRow = Omit<ReleaseRow, 'environment'> & { environmentKey: string; projectKey: string };

const fromRaw = ({ environmentKey, projectKey, ...r }: RawReleaseRow): Release =>
  toRelease({ ...r, environment: { key: environmentKey, project: { key: projectKey } } });

/**
 * The columns of a Release row (the model's, as Prisma's include read them) beside its
 * environment's and project's keys, for the raw reads below; `r` is the Release row.
 */
const RELEASE_COLUMNS = Prisma.raw(
  [
    'id',
    'environmentId',
    'flagKey',
    'status',
    'activeKey',
    'target',
    'stages',
    'currentStage',
    'nextStepAt',
    'remainingMs',
    'guard',
    'guardResult',
    'baseline',
    'baselineVersion',
    'createdBy',
    'origin',
    'failure',
    'history',
    'createdAt',
    'updatedAt',
  ]
    .map((c) => `r."${c}"`)
    .join(', ') + ', e."key" AS "environmentKey", p."key" AS "projectKey"',
);

/** A release's project as read with it under its lock. */
export interface ProjectAtLock {
  id: string;
  settingsRevision: bigint;
}

export interface ReleaseUpdate {
  status?: string;
  activeKey?: string | null;
  currentStage?: number;
  nextStepAt?: Date | null;
  remainingMs?: number | null;
  failure?: ReleaseFailure;
  guardResult?: GuardCheck;
  /**
   * One entry added at the end of the history, in SQL (the history is not sent again). Callers hold
   * the row's lock, so the history they read is the one it is appended to.
   */
  appendHistory?: ReleaseHistoryEntry;
}

/** Staged releases; one active per flag and environment (unique `activeKey`). */
@Injectable()
export class ReleasesRepository {
  private readonly projectsAtLock = new WeakMap<Release, ProjectAtLock>();

  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn, BACKGROUND_TX);
  }

  /**
   * Raw SQL (as the ones below): every release step reads its release before its transaction, then
   * locks and reads it, then updates it, and Prisma's runtime costs about twice the query
   * (bench/README.md). The same rows as Prisma's `findUnique({ include: withContext })`
   * (test/integration/raw-sql.spec.ts compares them).
   */
  async find(id: string, tx?: Tx): Promise<Release | null> {
    const rows = await this.prisma.sql<RawReleaseRow>(
      tx,
      Prisma.sql`
      SELECT ${RELEASE_COLUMNS}
      FROM "Release" r JOIN "Environment" e ON e."id" = r."environmentId" JOIN "Project" p ON p."id" = e."projectId"
      WHERE r."id" = ${id}::uuid`,
    );
    return rows.length ? fromRaw(rows[0]) : null;
  }

  /**
   * Locks the release row until the transaction ends and reads it, in one statement. Under READ
   * COMMITTED a statement that waited for the lock reads the locked row again at its latest
   * version; the environment's and project's keys beside it never change. The project's id and
   * settings revision come with it, as of the statement's start (projectAtLock).
   */
  async findForUpdate(tx: Tx, id: string): Promise<Release | null> {
    const rows = await this.prisma.sql<RawReleaseRow & { projectId: string; projectSettingsRevision: bigint }>(
      tx,
      Prisma.sql`
      SELECT ${RELEASE_COLUMNS}, p."id" AS "projectId", p."settingsRevision" AS "projectSettingsRevision"
      FROM "Release" r JOIN "Environment" e ON e."id" = r."environmentId" JOIN "Project" p ON p."id" = e."projectId"
      WHERE r."id" = ${id}::uuid
      FOR UPDATE OF r`,
    );
    if (!rows.length) return null;
    const { projectId, projectSettingsRevision, ...row } = rows[0];
    const release = fromRaw(row);
    this.projectsAtLock.set(release, { id: projectId, settingsRevision: projectSettingsRevision });
    return release;
  }

  /** The project's id and settings revision read with `release` by findForUpdate (undefined: not read so). */
  projectAtLock(release: Release): ProjectAtLock | undefined {
    return this.projectsAtLock.get(release);
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

  /** The newest release of the flag in the environment that `origin` started, if any. */
  async latestFrom(environmentId: string, flagKey: string, origin: PhaseOrigin): Promise<Release | null> {
    const row = await this.prisma.release.findFirst({
      where: { environmentId, flagKey, origin: { equals: toJson(origin) } },
      include: withContext,
      orderBy: { createdAt: 'desc' },
    });
    return row && toRelease(row);
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
      origin?: PhaseOrigin;
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
        origin: data.origin ? toJson(data.origin) : Prisma.DbNull,
        history: toJson(data.history),
        guard: data.guard === null ? Prisma.DbNull : toJson(data.guard),
      },
      include: withContext,
    });
    return toRelease(row);
  }

  /** The release as updated (as Prisma's `update({ include: withContext })` returned it). */
  async update(tx: Tx, id: string, data: ReleaseUpdate): Promise<Release> {
    const json = (v: unknown) => JSON.stringify(v);
    const sets: Prisma.Sql[] = [];
    if (data.status !== undefined) sets.push(Prisma.sql`"status" = ${data.status}`);
    if (data.activeKey !== undefined) sets.push(Prisma.sql`"activeKey" = ${data.activeKey}`);
    if (data.currentStage !== undefined) sets.push(Prisma.sql`"currentStage" = ${data.currentStage}::int`);
    if (data.nextStepAt !== undefined) sets.push(Prisma.sql`"nextStepAt" = ${data.nextStepAt}::timestamptz`);
    if (data.remainingMs !== undefined) sets.push(Prisma.sql`"remainingMs" = ${data.remainingMs}::int`);
    if (data.failure !== undefined) sets.push(Prisma.sql`"failure" = ${json(data.failure)}::jsonb`);
    if (data.guardResult !== undefined) sets.push(Prisma.sql`"guardResult" = ${json(data.guardResult)}::jsonb`);
    if (data.appendHistory !== undefined)
      sets.push(Prisma.sql`"history" = "history" || jsonb_build_array(${json(data.appendHistory)}::jsonb)`);
    // As Prisma's @updatedAt: the client's time.
    sets.push(Prisma.sql`"updatedAt" = ${new Date()}::timestamptz`);
    const rows = await this.prisma.sql<RawReleaseRow>(
      tx,
      Prisma.sql`
      WITH r AS (UPDATE "Release" SET ${Prisma.join(sets, ', ')} WHERE "id" = ${id}::uuid RETURNING *)
      SELECT ${RELEASE_COLUMNS}
      FROM r JOIN "Environment" e ON e."id" = r."environmentId" JOIN "Project" p ON p."id" = e."projectId"`,
    );
    if (!rows.length) throw new Error(`release ${id} to update was not found`);
    return fromRaw(rows[0]);
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
