import { Injectable } from '@nestjs/common';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import { prepared } from '../../infra/prisma/prepared-statements';

/** An outbound webhook; `secret` never leaves the module (views show a hint). */
export interface Webhook {
  id: string;
  name: string;
  url: string;
  secret: string;
  events: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export type DeliveryWithWebhook = WebhookDelivery & { webhook: Webhook };

// Payloads are the event objects WebhookEventsService was given.
const toDelivery = (d: Prisma.WebhookDeliveryGetPayload<object>): WebhookDelivery => ({
  ...d,
  payload: fromJson<Record<string, unknown>>(d.payload),
});

/** Webhooks and their delivery log. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  // ---- webhooks
  list(): Promise<Webhook[]> {
    return this.prisma.webhook.findMany({ orderBy: { createdAt: 'asc' } });
  }
  find(id: string, tx?: Tx): Promise<Webhook | null> {
    return dbOf(this.prisma, tx).webhook.findUnique({ where: { id } });
  }
  create(
    tx: Tx,
    data: { name: string; url: string; secret: string; events: string[]; enabled: boolean },
  ): Promise<Webhook> {
    return txClient(tx).webhook.create({ data });
  }
  update(
    tx: Tx,
    id: string,
    data: { name?: string; url?: string; events?: string[]; enabled?: boolean },
  ): Promise<Webhook> {
    return txClient(tx).webhook.update({ where: { id }, data });
  }
  async delete(tx: Tx, id: string): Promise<void> {
    await txClient(tx).webhook.delete({ where: { id } });
  }
  /** What emitting needs: enabled webhooks and their filters (never the secret). */
  listEnabledFilters(tx?: Tx): Promise<{ id: string; events: string[] }[]> {
    // Raw: every automation run that reports an event reads it in its transaction (WebhookEventsService.record).
    return this.prisma.sql<{ id: string; events: string[] }>(
      tx,
      prepared('webhook_filters', Prisma.sql`SELECT "id", "events" FROM "Webhook" WHERE "enabled" = true`),
    );
  }

  // ---- deliveries
  /** In the caller's transaction when given one: the rows then commit (or roll back) with what they report. */
  createDeliveries(rows: { webhookId: string; event: string; payload: object }[], tx?: Tx): Promise<{ id: string }[]> {
    const data = rows.map((r) => ({ ...r, payload: toJson(r.payload) }));
    return dbOf(this.prisma, tx).webhookDelivery.createManyAndReturn({ data, select: { id: true } });
  }
  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { webhookId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(toDelivery);
  }
  async findDeliveryWithWebhook(id: string): Promise<DeliveryWithWebhook | null> {
    const row = await this.prisma.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
    return row && { ...toDelivery(row), webhook: row.webhook };
  }
  /** Records one attempt; `attempts` counts HTTP attempts, so it is incremented, not set. */
  async recordAttempt(
    id: string,
    r: {
      status: 'pending' | 'succeeded' | 'failed';
      statusCode: number | null;
      error: string | null;
      deliveredAt?: Date;
    },
  ): Promise<void> {
    await this.prisma.webhookDelivery.update({
      where: { id },
      data: {
        status: r.status,
        attempts: { increment: 1 },
        lastStatusCode: r.statusCode,
        lastError: r.error,
        ...(r.deliveredAt ? { deliveredAt: r.deliveredAt } : {}),
      },
    });
  }
  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.webhookDelivery.update({ where: { id }, data: { status: 'failed', lastError: error } });
  }
  /** Oldest pending deliveries (created before `createdBefore`), for the sweep that re-enqueues what Redis lost or never got. */
  pendingDeliveryIds(limit: number, createdBefore?: Date): Promise<{ id: string }[]> {
    return this.prisma.webhookDelivery.findMany({
      where: { status: 'pending', ...(createdBefore ? { createdAt: { lt: createdBefore } } : {}) },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true },
    });
  }
}
