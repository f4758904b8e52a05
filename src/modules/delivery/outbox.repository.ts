import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import type { Tx } from '../../infra/prisma/prisma.service';

/**
 * The transactional outbox. Every committed targeting change bumps its environment's revision and
 * leaves a row here in the same transaction; delivery (Redis fan-out, SSE) consumes the rows.
 */
@Injectable()
export class OutboxRepository {
  async enqueue(tx: Tx, item: { environmentId: string; kind: 'flag' | 'segment'; key: string; version: number; payload: unknown }): Promise<bigint> {
    const [{ revision }] = await tx.$queryRaw<{ revision: bigint }[]>`
      UPDATE "Environment" SET "revision" = "revision" + 1 WHERE "id" = ${item.environmentId}::uuid RETURNING "revision"`;
    await tx.outboxEvent.create({
      data: { environmentId: item.environmentId, revision, kind: item.kind, key: item.key, version: item.version, payload: item.payload as Prisma.InputJsonValue },
    });
    return revision;
  }
}
