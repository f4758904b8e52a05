import { Injectable } from '@nestjs/common';
import type { FreezeSchedule } from '../../core/freeze';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, dbOf, txClient } from '../../infra/prisma/prisma.service';
import type { ActorRef } from '../accounts/models/actor';
import type { FreezeRecord, NewFreeze } from './freeze-records';

type FreezeRow = Prisma.FreezeWindowGetPayload<object>;

function scheduleOf(r: FreezeRow): FreezeSchedule {
  if (r.cron !== null)
    return { kind: 'recurring', cron: r.cron, durationMinutes: r.durationMinutes!, timeZone: r.timeZone! };
  return { kind: 'once', from: r.startsAt!, to: r.endsAt! };
}

const toRecord = (r: FreezeRow): FreezeRecord => ({
  id: r.id,
  projectId: r.projectId,
  name: r.name,
  reason: r.reason,
  environmentKeys: r.allEnvironments ? null : r.environmentKeys,
  schedule: scheduleOf(r),
  createdBy: fromJson<ActorRef>(r.createdBy),
  createdAt: r.createdAt,
});

/** Freeze windows of projects. Read once per targeting write (indexed by project). */
@Injectable()
export class FreezesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /** Oldest first. */
  async list(projectId: string, db?: Tx): Promise<FreezeRecord[]> {
    // Raw: every targeting write reads this list (usually empty) in its transaction.
    const rows = await this.prisma.sql<FreezeRow>(
      db,
      Prisma.sql`SELECT * FROM "FreezeWindow" WHERE "projectId" = ${projectId}::uuid ORDER BY "createdAt" ASC, "id" ASC`,
    );
    return rows.map(toRecord);
  }

  async find(projectId: string, id: string, db?: Tx): Promise<FreezeRecord | null> {
    const row = await dbOf(this.prisma, db).freezeWindow.findFirst({ where: { id, projectId } });
    return row && toRecord(row);
  }

  async create(tx: Tx, f: NewFreeze): Promise<FreezeRecord> {
    const s = f.schedule;
    const row = await txClient(tx).freezeWindow.create({
      data: {
        projectId: f.projectId,
        name: f.name,
        reason: f.reason,
        allEnvironments: f.environmentKeys === null,
        environmentKeys: f.environmentKeys ? [...f.environmentKeys] : [],
        ...(s.kind === 'once'
          ? { startsAt: s.from, endsAt: s.to }
          : { cron: s.cron, durationMinutes: s.durationMinutes, timeZone: s.timeZone }),
        createdBy: toJson(f.createdBy),
      },
    });
    return toRecord(row);
  }

  /** Deletes and returns the window, or null when it was gone already. */
  async delete(tx: Tx, projectId: string, id: string): Promise<FreezeRecord | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "FreezeWindow" WHERE "id" = ${id}::uuid AND "projectId" = ${projectId}::uuid FOR UPDATE`;
    if (!locked.length) return null;
    const row = await txClient(tx).freezeWindow.delete({ where: { id } });
    return toRecord(row);
  }
}
