import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { BACKGROUND_TX, PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type {
  OccurrenceOutcome,
  ScheduledChange,
  ScheduledChangeCreator,
  ScheduledChangeFailure,
  ScheduledChangeOccurrence,
} from './scheduled-change-records';

const withContext = {
  environment: { select: { key: true, project: { select: { key: true } } } },
} satisfies Prisma.ScheduledChangeInclude;
type ScheduledChangeRow = Prisma.ScheduledChangeGetPayload<{ include: typeof withContext }>;

/** Instructions are validated by a dry run before they are stored; creator and failure are written here. */
const toScheduledChange = ({ environment, ...r }: ScheduledChangeRow): ScheduledChange => ({
  ...r,
  projectKey: environment.project.key,
  environmentKey: environment.key,
  instructions: fromJson<unknown[]>(r.instructions),
  createdBy: fromJson<ScheduledChangeCreator>(r.createdBy),
  failure: r.failure === null ? null : fromJson<ScheduledChangeFailure>(r.failure),
});

/** Scheduled changes: rows are the state; the worker's alarms only wake it up. */
@Injectable()
export class SchedulesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn, BACKGROUND_TX);
  }

  async find(id: string, db?: Tx): Promise<ScheduledChange | null> {
    const row = await dbOf(this.prisma, db).scheduledChange.findUnique({ where: { id }, include: withContext });
    return row && toScheduledChange(row);
  }

  /** Locks the row, then reads it fresh (see FlagLocksRepository.findForUpdate). */
  async findForUpdate(tx: Tx, id: string): Promise<ScheduledChange | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "ScheduledChange" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  async list(environmentId: string, flagKey: string, status?: string): Promise<ScheduledChange[]> {
    const rows = await this.prisma.scheduledChange.findMany({
      where: { environmentId, flagKey, ...(status ? { status } : {}) },
      include: withContext,
      orderBy: { executionDate: 'asc' },
    });
    return rows.map(toScheduledChange);
  }

  async create(
    tx: Tx,
    data: {
      environmentId: string;
      flagKey: string;
      instructions: unknown[];
      executionDate: Date;
      cron: string | null;
      timeZone: string | null;
      comment: string;
      createdBy: ScheduledChangeCreator;
    },
  ): Promise<ScheduledChange> {
    const row = await txClient(tx).scheduledChange.create({
      data: { ...data, status: 'pending', instructions: toJson(data.instructions), createdBy: toJson(data.createdBy) },
      include: withContext,
    });
    return toScheduledChange(row);
  }

  async update(
    tx: Tx,
    id: string,
    data: {
      instructions?: unknown[];
      executionDate?: Date;
      cron?: string | null;
      timeZone?: string | null;
      comment?: string;
      status?: string;
      failure?: ScheduledChangeFailure;
      appliedVersion?: number;
      appliedAt?: Date;
      createdBy?: ScheduledChangeCreator;
    },
  ): Promise<ScheduledChange> {
    const { instructions, failure, createdBy, ...plain } = data;
    const row = await txClient(tx).scheduledChange.update({
      where: { id },
      data: {
        ...plain,
        ...(instructions !== undefined ? { instructions: toJson(instructions) } : {}),
        ...(failure !== undefined ? { failure: toJson(failure) } : {}),
        ...(createdBy !== undefined ? { createdBy: toJson(createdBy) } : {}),
      },
      include: withContext,
    });
    return toScheduledChange(row);
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await txClient(tx).scheduledChange.delete({ where: { id } });
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

  /**
   * Writes down what happened at occurrences of a recurring schedule, in the run's transaction. The
   * unique (schedule, occurrence) key is the last guard of "exactly once": a second run of the same
   * occurrence fails here and its transaction, with the write, rolls back.
   */
  async recordOccurrences(
    tx: Tx,
    scheduledChangeId: string,
    rows: { occurrenceAt: Date; outcome: OccurrenceOutcome; version?: number; failure?: ScheduledChangeFailure }[],
  ): Promise<void> {
    if (!rows.length) return;
    await txClient(tx).scheduledChangeOccurrence.createMany({
      data: rows.map((r) => ({
        scheduledChangeId,
        occurrenceAt: r.occurrenceAt,
        outcome: r.outcome,
        version: r.version ?? null,
        ...(r.failure ? { failure: toJson(r.failure) } : {}),
      })),
    });
  }

  /** A schedule's occurrences, newest first, before `before` when given (the cursor). */
  async occurrences(scheduledChangeId: string, limit: number, before?: Date): Promise<ScheduledChangeOccurrence[]> {
    const rows = await this.prisma.scheduledChangeOccurrence.findMany({
      where: { scheduledChangeId, ...(before ? { occurrenceAt: { lt: before } } : {}) },
      orderBy: { occurrenceAt: 'desc' },
      take: limit,
    });
    return rows.map((r) => ({
      occurrenceAt: r.occurrenceAt,
      outcome: r.outcome as OccurrenceOutcome,
      version: r.version,
      failure: r.failure === null ? null : fromJson<ScheduledChangeFailure>(r.failure),
      processedAt: r.processedAt,
    }));
  }
}
