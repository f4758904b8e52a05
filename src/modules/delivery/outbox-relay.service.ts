import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { RedisService } from '../../infra/redis/redis.service';
import { startRelayPublishSpans, type RelayPublishSpans } from '../../infra/tracing/spans';
import { changeChannel } from './delivery-channels';
import { DeliveryMetrics } from './delivery.metrics';
import { LocalChanges } from './local-changes';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { OUTBOX_CHANNEL, OutboxRepository, type OutboxItem } from '../outbox/outbox.repository';

/** The relay also polls, so a lost NOTIFY (or a relay that was down) delays delivery by at most this. */
const POLL_MS = 1_000;
const BATCH = 500;

/**
 * Publishes committed outbox rows to Redis, one channel per environment. Woken by PostgreSQL
 * NOTIFY from the write transaction; any number of relays can run (rows are claimed with SKIP
 * LOCKED), and subscribers order by revision and fill gaps from the outbox, so relays never need
 * to coordinate and a lost message only delays a node until its next catch-up.
 */
@Injectable()
export class OutboxRelayService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('outbox-relay');
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private relistening = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly redis: RedisService,
    private readonly metrics: DeliveryMetrics,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
    private readonly webhooks: WebhookEventsService,
    private readonly local: LocalChanges,
  ) {}

  async onModuleInit(): Promise<void> {
    this.timer = setInterval(() => this.wake(), POLL_MS).unref();
    await this.listen().catch((e: Error) => this.relisten(e));
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Runs a relay pass now, or right after the current one (never two at once in this process). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((e: Error) => this.logger.warn(`relay pass failed: ${e.message}`))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const items = await this.claim();
      if (items.length) await this.publish(items);
      if (items.length < BATCH) return; // a full batch means there may be more
    }
  }

  /**
   * Claims a batch, and writes the `flag.updated`/`segment.updated` deliveries of what it claimed in
   * the same transaction (reading the webhooks there, so a webhook created on any node gets every
   * change committed after it): a refused insert, or a process that dies, leaves the rows to the
   * next pass instead of losing the events. The claim itself stays at most once (see publish).
   */
  private async claim(): Promise<OutboxItem[]> {
    const { items, written } = await this.outbox.claimUnpublishedWith(BATCH, (tx, claimed) =>
      this.webhooks.recordChanges(tx, claimed),
    );
    this.webhooks.wakeAfterCommit(written, `${items.length} change(s)`);
    return items;
  }

  private async publish(items: OutboxItem[]): Promise<void> {
    // The rows are already claimed: this node's streams get them even if Redis fails below (never
    // awaited). Other nodes then catch up from the outbox by revision.
    const spans = startRelayPublishSpans(items); // gantry.relay.publish, continuing each row's trace
    this.local.deliver(items, (i) => spans.carrier(i));
    try {
      await this.publishToRedis(items, spans);
    } catch (e) {
      this.logger.warn(`${items.length} change(s) delivered on this node only (Redis: ${(e as Error).message})`);
    }
  }

  private async publishToRedis(items: OutboxItem[], spans: RelayPublishSpans<OutboxItem>): Promise<void> {
    // Redis away: skip the publish rather than wait for it (commands also time out, see RedisService).
    if (!this.redis.available) {
      await spans.settle(Promise.reject(new Error('not connected')));
      return;
    }
    const pipeline = this.redis.client.pipeline();
    for (const i of items) {
      pipeline.publish(
        changeChannel(this.redis.prefix, i.environmentId),
        JSON.stringify({
          environmentId: i.environmentId,
          revision: String(i.revision),
          kind: i.kind,
          key: i.key,
          version: i.version,
          payload: i.payload,
          committedAt: new Date(i.createdAt).getTime(),
          trace: spans.carrier(i),
        }),
      );
    }
    const results = await spans.settle(pipeline.exec());
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    this.metrics.published.inc(items.length);
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: this.config.database.connectTimeoutMs,
      keepAlive: this.config.database.keepAliveMs > 0,
      keepAliveInitialDelayMillis: this.config.database.keepAliveMs,
    });
    client.on('notification', () => this.wake());
    client.on('error', (e) => {
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      this.relisten(e);
    });
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = client;
  }

  /** Polling carries on meanwhile; LISTEN is tried again every POLL_MS until PostgreSQL answers. */
  private relisten(e: Error): void {
    if (this.stopped || this.relistening) return;
    this.relistening = true;
    this.logger.warn(`LISTEN connection lost or refused (${e.message}); relying on polling until it is back`);
    const retry = () => {
      if (this.stopped) return;
      this.listen().then(
        () => {
          this.relistening = false;
          this.wake();
        },
        () => setTimeout(retry, POLL_MS).unref(),
      );
    };
    setTimeout(retry, POLL_MS).unref();
  }
}
