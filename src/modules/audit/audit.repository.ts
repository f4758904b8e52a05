import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { contentDigest, type ChainedContent } from '../../core/audit/hash-chain';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx } from '../../infra/prisma/prisma.service';
import { prepared } from '../../infra/prisma/prepared-statements';

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** One stored entry: the hashed content (JSON columns stay `unknown`, the chain hashes them as recorded). */
export interface AuditRow extends Omit<ChainedContent, 'at'> {
  id: bigint;
  at: Date;
  actorId: string | null;
  hash: string;
}

export interface AuditQuery {
  resourceLike?: string;
  actorId?: string;
  action?: string;
  /** Entries linked to this change request (its own actions, and the write that applied it). */
  changeRequestId?: string;
  from?: Date;
  to?: Date;
  beforeId?: bigint;
  /** Only entries on these resources or below them (see ReadScope); undefined = no filter. */
  within?: string[];
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends inside the caller's transaction, in one statement sent just before its COMMIT
   * (PrismaService.sqlAtCommit): the INSERT carries the content's digest, and a trigger (migration
   * audit_chain_in_one_statement) takes the chain's advisory lock (held until commit), reads the
   * head with a snapshot taken after the lock, takes the id and sets prevHash and hash =
   * sha256(prevHash + digest). A head read by the INSERT itself would use the statement's snapshot
   * from before it waited, miss the entry its predecessor committed meanwhile, and fork the chain
   * (test/e2e/write-concurrency.spec.ts). Every write of every environment queues for that lock, so
   * it is taken as late as the transaction allows: from the last message before the commit.
   */
  append(tx: Tx, content: Omit<ChainedContent, 'prevHash'>, actorId: string | null): Promise<void> {
    const digest = contentDigest(content, sha256Hex);
    const j = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    return this.prisma.sqlAtCommit(
      tx,
      prepared(
        'audit_append',
        Prisma.sql`
      INSERT INTO "AuditEntry" ("id", "at", "actor", "actorId", "action", "resource", "comment", "before", "after",
                                "delta", "previousVersion", "currentVersion", "requestId", "links", "prevHash", "hash")
      VALUES (NULL, ${new Date(content.at)}::timestamptz, ${j(content.actor)}::jsonb, ${actorId}, ${content.action},
              ${content.resource}, ${content.comment}, ${j(content.before)}::jsonb, ${j(content.after)}::jsonb,
              ${j(content.delta)}::jsonb, ${content.previousVersion}::int, ${content.currentVersion}::int,
              ${content.requestId}, ${j(content.links)}::jsonb, NULL, ${digest})`,
      ),
    );
  }

  /** Newest first. `resourceLike` is a SQL LIKE pattern; it also matches the resource's children. */
  list(q: AuditQuery): Promise<AuditRow[]> {
    const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
    if (q.resourceLike)
      where.push(Prisma.sql`("resource" LIKE ${q.resourceLike} OR "resource" LIKE ${q.resourceLike + ':%'})`);
    if (q.actorId) where.push(Prisma.sql`"actorId" = ${q.actorId}`);
    if (q.action) where.push(Prisma.sql`"action" = ${q.action}`);
    if (q.changeRequestId)
      where.push(
        Prisma.sql`("links"->>'changeRequest' = ${q.changeRequestId} OR "links"->'changeRequest'->>'id' = ${q.changeRequestId})`,
      );
    if (q.from) where.push(Prisma.sql`"at" >= ${q.from}`);
    if (q.to) where.push(Prisma.sql`"at" <= ${q.to}`);
    if (q.beforeId) where.push(Prisma.sql`"id" < ${q.beforeId}`);
    if (q.within) {
      const likes = q.within.map((r) => `${r.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`);
      where.push(Prisma.sql`("resource" = ANY(${q.within}::text[]) OR "resource" LIKE ANY(${likes}::text[]))`);
    }
    return this.prisma.$queryRaw<AuditRow[]>`
      SELECT * FROM "AuditEntry" WHERE ${Prisma.join(where, ' AND ')} ORDER BY "id" DESC LIMIT ${q.limit}`;
  }

  findById(id: bigint): Promise<AuditRow | null> {
    return this.prisma.auditEntry.findUnique({ where: { id } });
  }

  /** Entries in the chain (for a verification's progress). */
  count(): Promise<number> {
    return this.prisma.auditEntry.count();
  }

  /** A page of the chain in id order, for verification. */
  page(afterId: bigint, size: number): Promise<AuditRow[]> {
    return this.prisma.auditEntry.findMany({ where: { id: { gt: afterId } }, orderBy: { id: 'asc' }, take: size });
  }
}
