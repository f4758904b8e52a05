import { Injectable } from '@nestjs/common';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx } from '../../infra/prisma/prisma.service';
import { inOutboxEnqueueSpan } from '../../infra/tracing/spans';
import { prepared } from '../../infra/prisma/prepared-statements';

/** PostgreSQL NOTIFY channel that wakes the outbox relays when a write commits. */
export const OUTBOX_CHANNEL = 'gantry_outbox';

/** One committed change of a flag or segment, as the outbox carries it to delivery and webhooks. */
export interface OutboxItem {
  id: bigint;
  environmentId: string;
  revision: bigint;
  kind: string;
  key: string;
  version: number;
  payload: unknown;
  /** Who made the change and where, for webhook payloads (null on rows written before it was kept). */
  meta: OutboxMeta | null;
  /** The trace context of the write (a TraceCarrier, unchecked: parse before use); null when untraced. */
  traceContext: unknown;
  createdAt: Date;
}

/** Who made a change and where: named at write time so webhook payloads need no lookup. */
export interface OutboxMeta {
  actor: Record<string, unknown>;
  projectKey: string;
  environmentKey: string;
}

/**
 * The transactional outbox. Every committed targeting change bumps its environment's revision and
 * leaves a row here in the same transaction; delivery (Redis fan-out, SSE) consumes the rows.
 * Below both: the write paths record here and delivery reads here, neither knowing the other.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  async enqueue(
    tx: Tx,
    item: {
      environmentId: string;
      kind: 'flag' | 'segment';
      key: string;
      version: number;
      payload: unknown;
      meta?: OutboxMeta;
    },
  ): Promise<void> {
    // One statement: bump the revision (row-locking the environment until commit, so revisions
    // commit in order), insert the outbox row carrying it, and NOTIFY the relays (delivered at commit).
    // The row keeps the trace context of this span, so the relay's publish continues the trace.
    await inOutboxEnqueueSpan(item, async (trace) => {
      const statement = prepared(
        'outbox_enqueue',
        Prisma.sql`
        WITH bumped AS (
          UPDATE "Environment" SET "revision" = "revision" + 1 WHERE "id" = ${item.environmentId}::uuid RETURNING "revision"
        ), inserted AS (
          INSERT INTO "OutboxEvent" ("environmentId", "revision", "kind", "key", "version", "payload", "meta", "traceContext")
          SELECT ${item.environmentId}::uuid, bumped."revision", ${item.kind}::text, ${item.key}::text, ${item.version}::int,
                 ${JSON.stringify(item.payload)}::jsonb, ${item.meta ? JSON.stringify(item.meta) : null}::jsonb,
                 ${trace ? JSON.stringify(trace) : null}::jsonb
          FROM bumped
          RETURNING "revision"
        )
        SELECT "revision", pg_notify(${OUTBOX_CHANNEL}, '')::text AS "notified" FROM inserted`,
      );
      // Untraced, nobody reads the revision back: the statement is sent just before the COMMIT, so
      // the environment's row is locked only from there (PrismaService.sqlAtCommit). A traced write
      // sends it now, so its span carries the revision.
      if (!trace) return this.prisma.sqlAtCommit(tx, statement);
      const [{ revision }] = await this.prisma.sql<{ revision: bigint }>(tx, statement);
      return revision;
    });
  }

  /** Outbox rows of one environment after a revision, in order (to catch up after missed messages). */
  async since(environmentId: string, afterRevision: bigint, limit: number): Promise<OutboxItem[]> {
    const rows = await this.prisma.outboxEvent.findMany({
      where: { environmentId, revision: { gt: afterRevision } },
      orderBy: { revision: 'asc' },
      take: limit,
    });
    // `meta` is written only by enqueue, in the OutboxMeta shape.
    return rows.map((r) => ({ ...r, meta: r.meta as OutboxMeta | null }));
  }

  /**
   * Claims and marks unpublished outbox rows in one statement (SKIP LOCKED, so relays in several
   * processes share the work). Publishing is at most once: a relay that dies right after this loses
   * the Redis messages, which is safe because every node also catches up from the outbox by revision.
   */
  claimUnpublished(limit: number, tx?: Tx): Promise<OutboxItem[]> {
    return this.prisma.sql<OutboxItem>(
      tx,
      prepared(
        'outbox_claim',
        Prisma.sql`
      UPDATE "OutboxEvent" SET "publishedAt" = now()
      WHERE "id" IN (SELECT "id" FROM "OutboxEvent" WHERE "publishedAt" IS NULL ORDER BY "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING "id", "environmentId"::text AS "environmentId", "revision", "kind", "key", "version", "payload", "meta",
                "traceContext", "createdAt"`,
      ),
    );
  }

  /**
   * claimUnpublished, and `alongside` in the same transaction: what it writes about the claimed rows
   * (their webhook deliveries) commits with the claim or not at all, so a failure there leaves the
   * rows unclaimed for the relay's next pass instead of losing what it was writing.
   */
  claimUnpublishedWith<T>(
    limit: number,
    alongside: (tx: Tx, items: OutboxItem[]) => Promise<T[]>,
  ): Promise<{ items: OutboxItem[]; written: T[] }> {
    return this.prisma.transaction(async (tx) => {
      const items = await this.claimUnpublished(limit, tx);
      return { items, written: items.length ? await alongside(tx, items) : [] };
    });
  }

  /** Seconds the oldest row no relay has claimed yet has waited (0: none waiting); one index lookup, the database's clock. */
  async oldestUnpublishedAgeSeconds(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ age: number }[]>`
      SELECT EXTRACT(EPOCH FROM now() - "createdAt")::float8 AS "age"
      FROM "OutboxEvent" WHERE "publishedAt" IS NULL ORDER BY "id" LIMIT 1`;
    return row ? Math.max(0, row.age) : 0;
  }

  /** Deletes up to `batch` published outbox rows older than `before`; returns how many. */
  prune(before: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "OutboxEvent" WHERE "id" IN (
        SELECT "id" FROM "OutboxEvent" WHERE "publishedAt" IS NOT NULL AND "createdAt" < ${before} ORDER BY "id" LIMIT ${batch})`;
  }
}
