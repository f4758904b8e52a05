import { Injectable } from '@nestjs/common';
import { txClient, type Tx } from '../../infra/prisma/prisma.service';

/** PostgreSQL NOTIFY channel that wakes the outbox relays when a write commits. */
export const OUTBOX_CHANNEL = 'gantry_outbox';

/**
 * The transactional outbox. Every committed targeting change bumps its environment's revision and
 * leaves a row here in the same transaction; delivery (Redis fan-out, SSE) consumes the rows.
 */
@Injectable()
export class OutboxRepository {
  async enqueue(
    tx: Tx,
    item: { environmentId: string; kind: 'flag' | 'segment'; key: string; version: number; payload: unknown },
  ): Promise<bigint> {
    // One round trip: bump the revision (row-locking the environment until commit, so revisions
    // commit in order), insert the outbox row carrying it, and NOTIFY the relays (delivered at commit).
    const [{ revision }] = await txClient(tx).$queryRaw<{ revision: bigint }[]>`
      WITH bumped AS (
        UPDATE "Environment" SET "revision" = "revision" + 1 WHERE "id" = ${item.environmentId}::uuid RETURNING "revision"
      ), inserted AS (
        INSERT INTO "OutboxEvent" ("environmentId", "revision", "kind", "key", "version", "payload")
        SELECT ${item.environmentId}::uuid, bumped."revision", ${item.kind}, ${item.key}, ${item.version}, ${JSON.stringify(item.payload)}::jsonb FROM bumped
        RETURNING "revision"
      )
      SELECT "revision", pg_notify(${OUTBOX_CHANNEL}, '')::text AS "notified" FROM inserted`;
    return revision;
  }
}
