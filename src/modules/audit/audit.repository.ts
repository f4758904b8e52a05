import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { entryHash, GENESIS_HASH, type ChainedContent } from '../../core/audit/hash-chain';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx } from '../../infra/prisma/prisma.service';

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Arbitrary constant naming the advisory lock that serialises appends to the audit chain. */
const AUDIT_CHAIN_LOCK = 7_210_001;

export type AuditRow = Prisma.AuditEntryGetPayload<object>;

export interface AuditQuery {
  resourceLike?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  beforeId?: bigint;
  limit: number;
}

const json = (v: unknown) => (v === null || v === undefined ? Prisma.DbNull : (v as Prisma.InputJsonValue));

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends inside the caller's transaction. The advisory lock is held until commit, so it is
   * taken here, as the last step of a write, to keep the serialised section short.
   */
  async append(tx: Tx, content: Omit<ChainedContent, 'prevHash'>, actorId: string | null): Promise<AuditRow> {
    // Lock, then read the chain's head, in one round trip (the sub-select runs after the lock is held).
    const [head] = await tx.$queryRaw<{ hash: string | null }[]>`
      SELECT (SELECT "hash" FROM "AuditEntry" ORDER BY "id" DESC LIMIT 1) AS "hash"
      FROM (SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})) AS "locked"`;
    const chained: ChainedContent = { ...content, prevHash: head?.hash ?? GENESIS_HASH };
    return tx.auditEntry.create({
      data: {
        at: new Date(content.at),
        actor: content.actor as Prisma.InputJsonValue,
        actorId,
        action: content.action,
        resource: content.resource,
        comment: content.comment,
        before: json(content.before),
        after: json(content.after),
        delta: json(content.delta),
        previousVersion: content.previousVersion,
        currentVersion: content.currentVersion,
        requestId: content.requestId,
        links: json(content.links),
        prevHash: chained.prevHash,
        hash: entryHash(chained, sha256Hex),
      },
    });
  }

  /** Newest first. `resourceLike` is a SQL LIKE pattern; it also matches the resource's children. */
  list(q: AuditQuery): Promise<AuditRow[]> {
    const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
    if (q.resourceLike) where.push(Prisma.sql`("resource" LIKE ${q.resourceLike} OR "resource" LIKE ${q.resourceLike + ':%'})`);
    if (q.actorId) where.push(Prisma.sql`"actorId" = ${q.actorId}`);
    if (q.action) where.push(Prisma.sql`"action" = ${q.action}`);
    if (q.from) where.push(Prisma.sql`"at" >= ${q.from}`);
    if (q.to) where.push(Prisma.sql`"at" <= ${q.to}`);
    if (q.beforeId) where.push(Prisma.sql`"id" < ${q.beforeId}`);
    return this.prisma.$queryRaw<AuditRow[]>`
      SELECT * FROM "AuditEntry" WHERE ${Prisma.join(where, ' AND ')} ORDER BY "id" DESC LIMIT ${q.limit}`;
  }

  findById(id: bigint): Promise<AuditRow | null> {
    return this.prisma.auditEntry.findUnique({ where: { id } });
  }

  /** A page of the chain in id order, for verification. */
  page(afterId: bigint, size: number): Promise<AuditRow[]> {
    return this.prisma.auditEntry.findMany({ where: { id: { gt: afterId } }, orderBy: { id: 'asc' }, take: size });
  }
}
