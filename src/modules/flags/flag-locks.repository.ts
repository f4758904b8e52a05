import { Injectable } from '@nestjs/common';
import { Prisma } from '../../infra/prisma/generated/client';
import { changedHere } from '../../infra/prisma/changed-here';
import { PrismaService, type Tx } from '../../infra/prisma/prisma.service';
import type { FlagRecord } from './flag-records';
import { toFlag, type RawFlag } from './flag-rows';
import { prepared } from '../../infra/prisma/prepared-statements';

/** One configuration row as findForUpdate's join returns it beside its flag. */
interface RawFlagEnvironment {
  configId: string;
  environmentId: string;
  environmentKey: string;
  config: Prisma.JsonValue;
}

/**
 * A flag as findForUpdate reads it under its lock, with the project's settings revision read in the
 * same snapshot: the guardrail policies and freeze windows the write must check are the ones at
 * that revision (Project.settingsRevision).
 */
export type LockedFlagRecord = FlagRecord & { settingsRevision: bigint | undefined };

/**
 * The project's settings revision beside the flag, or NULL when this transaction changed the
 * project itself: the lists cached by revision (RevisionCache) must not be filled from a state that
 * may roll back, and a copy of the project (ProjectsService.readAt) is then read again.
 */
const SETTINGS_REVISION = Prisma.sql`(SELECT CASE WHEN ${changedHere('p')} THEN NULL ELSE p."settingsRevision" END
  FROM "Project" p WHERE p."id" = f."projectId")`;

/** The row locks of the write path: a flag locked and read for a write, a project's flags held for a new environment. */
@Injectable()
export class FlagLocksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Locks the flag row and its configuration rows and reads them, in one statement, so concurrent
   * writes to one flag apply one after another. Under READ COMMITTED a statement that waited for a
   * lock sees its own snapshot from before the wait, except for the rows it locks: those it reads
   * again at their latest version. So every row this read must see current is locked (the flag and
   * each configuration: what the previous writer changed); the rest (environment keys, the
   * settings revision) are as of the statement's start, like any read in the transaction. A flag
   * with no configuration row (a project without environments) takes the two-statement way: lock,
   * then read with a snapshot taken after the lock; so does `readAfterLock`, for a write that must
   * also see configuration rows inserted while it waited (a flag-level change, which every
   * environment serves: see lockAllShared). Configurations come in the environments' order
   * (the project's), so views built from them list environments in that order.
   */
  async findForUpdate(
    tx: Tx,
    projectId: string,
    key: string,
    { readAfterLock = false }: { readAfterLock?: boolean } = {},
  ): Promise<LockedFlagRecord | null> {
    if (readAfterLock) return this.lockThenRead(tx, projectId, key);
    const rows = await this.prisma.sql<Omit<RawFlag, 'environments'> & RawFlagEnvironment>(
      tx,
      prepared(
        'flag_lock',
        Prisma.sql`
      SELECT f."id", f."key", f."definition", f."archived", f."version",
             fe."id" AS "configId", fe."environmentId", fe."config", e."key" AS "environmentKey",
             ${SETTINGS_REVISION} AS "settingsRevision"
      FROM "Flag" f
      JOIN "FlagEnvironment" fe ON fe."flagId" = f."id"
      JOIN "Environment" e ON e."id" = fe."environmentId"
      WHERE f."projectId" = ${projectId}::uuid AND f."key" = ${key}
      ORDER BY e."createdAt", e."key"
      FOR UPDATE OF f, fe`,
      ),
    );
    if (!rows.length) return this.lockThenRead(tx, projectId, key);
    const [first] = rows;
    return {
      ...toFlag({
        ...first,
        environments: rows.map((r) => ({
          id: r.configId,
          environmentId: r.environmentId,
          environmentKey: r.environmentKey,
          config: r.config,
        })),
      }),
      settingsRevision: first.settingsRevision ?? undefined,
    };
  }

  private async lockThenRead(tx: Tx, projectId: string, key: string): Promise<LockedFlagRecord | null> {
    const locked = await this.prisma.sql<{ id: string }>(
      tx,
      Prisma.sql`SELECT "id" FROM "Flag" WHERE "projectId" = ${projectId}::uuid AND "key" = ${key} FOR UPDATE`,
    );
    if (!locked.length) return null;
    const rows = await this.prisma.sql<RawFlag>(
      tx,
      Prisma.sql`
      SELECT f."id", f."key", f."definition", f."archived", f."version",
        COALESCE((SELECT json_agg(json_build_object('id', fe."id", 'environmentId', fe."environmentId",
                                                    'config', fe."config", 'environmentKey', e."key")
                           ORDER BY e."createdAt", e."key")
                  FROM "FlagEnvironment" fe JOIN "Environment" e ON e."id" = fe."environmentId"
                  WHERE fe."flagId" = f."id"), '[]'::json) AS "environments",
        ${SETTINGS_REVISION} AS "settingsRevision"
      FROM "Flag" f WHERE f."id" = ${locked[0].id}::uuid`,
    );
    return rows.length ? { ...toFlag(rows[0]), settingsRevision: rows[0].settingsRevision ?? undefined } : null;
  }

  /**
   * Locks every flag of the project FOR SHARE until the transaction ends, for a new environment's
   * configurations: a flag-level write in progress finishes first (its definition is then the one
   * read, by a later statement), and one that comes after waits, then reads the new configuration
   * rows (findForUpdate with readAfterLock) and changes them too.
   */
  async lockAllShared(tx: Tx, projectId: string): Promise<void> {
    await this.prisma.sql(
      tx,
      Prisma.sql`SELECT "id" FROM "Flag" WHERE "projectId" = ${projectId}::uuid ORDER BY "id" FOR SHARE`,
    );
  }
}
