import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { RedisService } from '../../infra/redis/redis.service';
import { inFanoutSpan, inSnapshotApplySpan, onwardTraceCarrier } from '../../infra/tracing/spans';
import { changePattern } from './delivery-channels';
import { OutboxRepository, type OutboxItem } from '../outbox/outbox.repository';
import { DeliveryRepository } from './delivery.repository';
import type { FeedChange } from '../../core/relay/feed-protocol';
import { EnvironmentSnapshot, type ChangeMessage } from './environment-snapshot';
import { DeliveryMetrics } from './delivery.metrics';
import { LocalChanges } from './local-changes';
import { SdkKeysService } from './sdk-keys.service';
import { registerSnapshotGauges, SnapshotChanges, SnapshotSource } from './snapshot-source';
import { StreamHub } from './stream-hub';

/** How often a node compares its revisions with PostgreSQL, to catch up on anything Redis lost. */
const RESYNC_MS = 5_000;
const CATCH_UP_BATCH = 500;
/** An edge missing more changes than this gets the whole environment instead. */
const MAX_RESUME_CHANGES = 10_000;

/**
 * Every node's in-memory view of the environments it serves. Loaded from PostgreSQL at start (and
 * on first use for environments created later), kept current from Redis and from this node's own
 * relay (LocalChanges), and caught up by revision from the outbox when a message was missed (or
 * Redis was away: on every reconnection of the subscriber, and every RESYNC_MS regardless).
 * Evaluation reads only these snapshots, never PostgreSQL.
 */
@Injectable()
export class EnvironmentSnapshotsService
  extends SnapshotSource
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('snapshots');
  private readonly snapshots = new Map<string, EnvironmentSnapshot>();
  private readonly loading = new Map<string, Promise<EnvironmentSnapshot | null>>();
  /** Per-environment queue, so changes apply strictly in order even while a catch-up is running. */
  private readonly queues = new Map<string, Promise<void>>();
  readonly hub: StreamHub;
  private subscriber?: Redis;
  private resyncTimer?: NodeJS.Timeout;
  /** Every environment loaded once: until then readiness says down, and the resync loop tries again. */
  private preloaded = false;
  private preloading = false;

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly outbox: OutboxRepository,
    private readonly redis: RedisService,
    private readonly metrics: DeliveryMetrics,
    metricsService: MetricsService,
    keys: SdkKeysService,
    private readonly changes: SnapshotChanges,
    local: LocalChanges,
  ) {
    super();
    // What this node's relay claims applies here at once, even if its Redis publish fails.
    local.listen((items, traceOf) => {
      for (const i of items)
        this.receive({
          environmentId: i.environmentId,
          revision: i.revision,
          kind: i.kind,
          key: i.key,
          version: i.version,
          payload: i.payload,
          committedAt: new Date(i.createdAt).getTime(),
          trace: traceOf(i),
        });
    });
    this.hub = new StreamHub(() => metrics.slowClients.inc());
    // A rotated key or a deleted environment ends its streams on every node, and a deleted
    // environment's snapshot is dropped.
    keys.onReload((check) => {
      this.hub.closeWhere((s) => !check.opens(s.sdkKey, s.environmentId));
      for (const id of this.snapshots.keys()) if (!check.exists(id)) this.snapshots.delete(id);
    });
    registerSnapshotGauges(metricsService, this.snapshots, this.hub);
  }

  onModuleInit(): void {
    this.subscriber = this.redis.subscriber('snapshots');
    this.subscriber.on('error', (e) => this.logger.warn(`redis subscriber: ${e.message}`));
    this.subscriber.on('pmessage', (_p, _channel, text) => this.onMessage(text));
    // Redis may be down at start: delivery still serves from PostgreSQL and the resync loop.
    this.subscriber
      .psubscribe(changePattern(this.redis.prefix))
      .catch((e: Error) => this.logger.warn(`psubscribe: ${e.message}`));
    // After a Redis reconnect, messages sent meanwhile are lost; resync at once.
    this.subscriber.on('ready', () => void this.resync());
    this.resyncTimer = setInterval(() => void this.resync(), RESYNC_MS).unref();
    // Load every environment now, in the background: the first SDK request need not wait for
    // PostgreSQL (one that comes in meanwhile waits for the load already under way).
    void this.preload();
  }

  /** Whether every environment was loaded once (readiness: a node that never was cannot serve). */
  snapshotsLoaded(): boolean {
    return this.preloaded;
  }

  private async preload(): Promise<void> {
    if (this.preloading) return;
    this.preloading = true;
    try {
      for (const { id } of await this.repo.revisions()) await this.get(id);
      this.preloaded = true;
    } catch (e) {
      this.logger.warn(
        `preloading snapshots failed (retried; meanwhile they load on first use): ${(e as Error).message}`,
      );
    } finally {
      this.preloading = false;
    }
  }

  /** Streams never end by themselves: close them before the HTTP server waits for its connections. */
  beforeApplicationShutdown(): void {
    this.hub.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** The snapshot of an environment, loading it on first use; null if the environment does not exist. */
  async get(environmentId: string): Promise<EnvironmentSnapshot | null> {
    const s = this.snapshots.get(environmentId);
    if (s) return s;
    let pending = this.loading.get(environmentId);
    if (!pending) {
      pending = this.load(environmentId).finally(() => this.loading.delete(environmentId));
      this.loading.set(environmentId, pending);
    }
    return pending;
  }

  /** A loaded snapshot; one not loaded yet (or not existing) is for get to find out. */
  peek(environmentId: string): EnvironmentSnapshot | undefined {
    return this.snapshots.get(environmentId);
  }

  /**
   * Brings the snapshot up to at least `revision` from the outbox (a client resuming from a newer
   * node must not be sent this node's older state).
   */
  async catchUpTo(s: EnvironmentSnapshot, revision: bigint): Promise<void> {
    if (s.revision >= revision) return;
    await new Promise<void>((resolve) => this.enqueue(s.environmentId, () => this.catchUp(s).finally(resolve)));
  }

  /**
   * From memory when the snapshot still keeps them, else from the outbox (a node that restarted
   * keeps nothing from before, but the outbox keeps GANTRY_OUTBOX_RETENTION_HOURS of changes).
   */
  async changesSince(s: EnvironmentSnapshot, revision: bigint): Promise<FeedChange[] | null> {
    const kept = s.changesSince(revision);
    if (kept !== null || revision > s.revision || s.revision - revision > BigInt(MAX_RESUME_CHANGES)) return kept;
    const upTo = s.revision;
    const out: FeedChange[] = [];
    for (let after = revision; after < upTo;) {
      const rows = await this.outbox.since(s.environmentId, after, CATCH_UP_BATCH);
      if (!rows.length || rows[0].revision !== after + 1n) return null; // pruned
      for (const r of rows) {
        if (r.revision > upTo) break;
        out.push({
          environmentId: r.environmentId,
          revision: String(r.revision),
          kind: r.kind === 'flag' ? 'flag' : 'segment',
          key: r.key,
          version: r.version,
          payload: r.payload,
          committedAt: r.createdAt.getTime(),
        });
      }
      after = BigInt(out[out.length - 1].revision);
      if (rows.length < CATCH_UP_BATCH && after < upTo) return null;
    }
    return out;
  }

  private async load(environmentId: string): Promise<EnvironmentSnapshot | null> {
    const data = await this.repo.loadEnvironment(environmentId);
    if (!data) return null;
    const snapshot = EnvironmentSnapshot.fromData(data);
    this.snapshots.set(environmentId, snapshot);
    // Messages that arrived while loading were not applied; pick them up from the outbox.
    this.enqueue(environmentId, () => this.catchUp(snapshot));
    return snapshot;
  }

  private onMessage(text: string): void {
    let msg: ChangeMessage;
    try {
      msg = JSON.parse(text) as ChangeMessage;
    } catch {
      return;
    }
    this.receive({ ...msg, revision: BigInt(msg.revision) });
  }

  /**
   * One change, from Redis or from this node's relay (the same change may come both ways: the
   * second finds the revision applied and does nothing).
   */
  private receive(
    msg: Pick<OutboxItem, 'environmentId' | 'revision' | 'kind' | 'key' | 'version' | 'payload'> & {
      committedAt: number;
      trace?: unknown;
    },
  ): void {
    if (!this.snapshots.has(msg.environmentId)) return; // not served here (yet): loaded fresh on first use
    this.enqueue(msg.environmentId, async () => {
      const s = this.snapshots.get(msg.environmentId);
      if (!s) return;
      // Already applied (this node's relay delivered it locally before the Redis message came).
      if (msg.revision <= s.revision) return;
      if (msg.revision > s.revision + 1n) await this.catchUp(s);
      this.applyAndBroadcast(s, msg, msg.committedAt, msg.trace);
    });
  }

  /** `trace`: the change's trace context (message or outbox row), continued by gantry.snapshot.apply. */
  private applyAndBroadcast(
    s: EnvironmentSnapshot,
    item: { revision: bigint; kind: string; key: string; version: number; payload: unknown },
    committedAt?: number,
    trace?: unknown,
  ) {
    inSnapshotApplySpan(trace, { environmentId: s.environmentId, ...item }, (span) => {
      const text = s.apply({ ...item, committedAt });
      if (text === null) return;
      const change = s.lastChange();
      if (change) this.changes.applied(s, change, onwardTraceCarrier(span, trace));
      const sent = inFanoutSpan(span, () => this.hub.broadcast(s.environmentId, text), committedAt);
      this.metrics.eventsSent.inc(sent);
      if (committedAt) this.metrics.propagationLag.observe((Date.now() - committedAt) / 1000);
    });
  }

  /**
   * Applies the outbox rows this node missed, in revision order. When they are no longer all there
   * (pruned by retention), the snapshot is reloaded instead, and the streams on it are closed so
   * their SDKs reconnect and get a fresh put.
   */
  private async catchUp(s: EnvironmentSnapshot, knownRevision?: bigint): Promise<void> {
    for (;;) {
      const rows = await this.outbox.since(s.environmentId, s.revision, CATCH_UP_BATCH);
      const gap = rows.length
        ? rows[0].revision !== s.revision + 1n
        : knownRevision !== undefined && knownRevision > s.revision;
      if (gap) return this.reload(s.environmentId);
      for (const r of rows) this.applyAndBroadcast(s, r, undefined, r.traceContext);
      if (rows.length < CATCH_UP_BATCH) return;
    }
  }

  private async reload(environmentId: string): Promise<void> {
    const data = await this.repo.loadEnvironment(environmentId);
    if (data) this.snapshots.set(environmentId, EnvironmentSnapshot.fromData(data));
    else this.snapshots.delete(environmentId);
    this.hub.closeWhere((stream) => stream.environmentId === environmentId);
    this.changes.replaced(environmentId);
    this.logger.warn(`environment ${environmentId}: missed changes are no longer in the outbox; reloaded the snapshot`);
  }

  private async resync(): Promise<void> {
    if (!this.preloaded) return this.preload();
    if (!this.snapshots.size) return;
    try {
      for (const { id, revision } of await this.repo.revisions()) {
        const s = this.snapshots.get(id);
        if (s && s.revision < revision) this.enqueue(id, () => this.catchUp(s, revision));
      }
    } catch (e) {
      this.logger.warn(`resync failed: ${(e as Error).message}`);
    }
  }

  private enqueue(environmentId: string, task: () => Promise<void>): void {
    const prev = this.queues.get(environmentId) ?? Promise.resolve();
    const next = prev
      .then(task)
      .catch((e: Error) => this.logger.warn(`apply for ${environmentId} failed: ${e.message}`));
    this.queues.set(environmentId, next);
    void next.finally(() => {
      if (this.queues.get(environmentId) === next) this.queues.delete(environmentId);
    });
  }
}
