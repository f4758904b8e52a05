import { Injectable, Logger } from '@nestjs/common';
import type { Tx } from '../../infra/prisma/tx';
import { QueuesService } from '../../infra/queues/queues.service';
import type { OutboxItem } from '../outbox/outbox.repository';
import { matchesEvent, type WebhookEvent } from './webhook-events';
import { enqueueDeliveries } from './webhook-jobs';
import { WebhooksRepository } from './webhooks.repository';

/** How long this process trusts its list of enabled webhooks; writes here invalidate it at once. */
const SUBSCRIBERS_TTL_MS = 5_000;

export interface WebhookEventInput {
  event: WebhookEvent;
  /** A view object, serialised as the delivery body. */
  payload: object;
}

/**
 * Turns events into deliveries: one `WebhookDelivery` row (pending) per matching enabled webhook,
 * and one BullMQ job per row that wakes the worker. The row is the durable state; a lost job is
 * re-enqueued by the worker's sweeps. `emitMany` writes the rows on its own, after the change it
 * reports committed; `record` writes them in the change's transaction (so a process dying after the
 * commit cannot lose them) and `wake` enqueues their jobs once that transaction committed.
 */
@Injectable()
export class WebhookEventsService {
  private readonly logger = new Logger('webhooks');
  private subscribers?: { until: number; list: Promise<{ id: string; events: string[] }[]> };

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queues: QueuesService,
  ) {}

  emit(event: WebhookEvent, payload: object): Promise<number> {
    return this.emitMany([{ event, payload }]);
  }

  /** Creates the deliveries of several events with one query for the subscribers; returns how many. */
  async emitMany(events: WebhookEventInput[]): Promise<number> {
    if (!events.length) return 0;
    let created: { id: string }[];
    try {
      created = await this.createDeliveries(events);
    } catch {
      // Most likely a webhook deleted since the list was cached (foreign key): refresh and try once more.
      this.invalidate();
      created = await this.createDeliveries(events);
    }
    await this.wake(created.map((d) => d.id));
    return created.length;
  }

  /**
   * The deliveries of these events, written in the caller's transaction: they commit with the change
   * they report, or not at all. Returns their ids, for wake() after the commit. The subscribers are
   * read in the transaction rather than from this process's cache: a webhook deleted since the cache
   * was filled would fail the insert, and with it the whole transaction.
   */
  async record(tx: Tx, events: WebhookEventInput[]): Promise<string[]> {
    if (!events.length) return [];
    const rows = deliveryRows(await this.repo.listEnabledFilters(tx), events);
    return rows.length ? (await this.repo.createDeliveries(rows, tx)).map((d) => d.id) : [];
  }

  /** After commit: one job per delivery row. If Redis refuses, the rows stay pending and the worker's sweeps enqueue them. */
  wake(deliveryIds: string[]): Promise<void> {
    return enqueueDeliveries(this.queues, deliveryIds);
  }

  /** wake() for a caller whose change is committed and must not wait or fail on it: a refusal is logged. */
  wakeAfterCommit(deliveryIds: string[], about: string): void {
    void this.wake(deliveryIds).catch((e: Error) =>
      this.logger.warn(`webhook deliveries about ${about} not woken now (the sweeps send them): ${e.message}`),
    );
  }

  /** The `flag.updated`/`segment.updated` deliveries of committed changes, in the outbox relay's claim transaction. */
  recordChanges(tx: Tx, items: OutboxItem[]): Promise<string[]> {
    return this.record(tx, items.map(changeEvent));
  }

  /** Called after webhook writes so this process sees them at once (others within the TTL). */
  invalidate(): void {
    this.subscribers = undefined;
  }

  private async createDeliveries(events: WebhookEventInput[]): Promise<{ id: string }[]> {
    const rows = deliveryRows(await this.enabledWebhooks(), events);
    return rows.length ? this.repo.createDeliveries(rows) : [];
  }

  private enabledWebhooks(): Promise<{ id: string; events: string[] }[]> {
    const now = Date.now();
    if (!this.subscribers || this.subscribers.until < now) {
      const list = this.repo.listEnabledFilters();
      this.subscribers = { until: now + SUBSCRIBERS_TTL_MS, list };
      list.catch(() => this.invalidate());
    }
    return this.subscribers.list;
  }
}

/** One delivery row per event and matching webhook. */
const deliveryRows = (hooks: { id: string; events: string[] }[], events: WebhookEventInput[]) =>
  events.flatMap((e) =>
    hooks
      .filter((h) => matchesEvent(h.events, e.event))
      .map((h) => ({ webhookId: h.id, event: e.event, payload: e.payload })),
  );

/** A committed flag or segment change as its webhook event, named as it was recorded with the change. */
const changeEvent = (i: OutboxItem): WebhookEventInput => ({
  event: i.kind === 'segment' ? 'segment.updated' : 'flag.updated',
  payload: {
    environmentId: i.environmentId,
    key: i.key,
    version: i.version,
    revision: String(i.revision),
    deleted: (i.payload as { deleted?: unknown } | null)?.deleted === true,
    // Named: who changed it, in which project and environment (as recorded with the change).
    ...(i.meta
      ? {
          projectKey: i.meta.projectKey,
          environmentKey: i.meta.environmentKey,
          [i.kind === 'segment' ? 'segmentKey' : 'flagKey']: i.key,
          actor: i.meta.actor,
        }
      : {}),
  },
});
