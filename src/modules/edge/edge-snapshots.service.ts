import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FeedChange, FeedEnvironment, FeedEnvironmentMeta } from '../../core/relay/feed-protocol';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { inFanoutSpan, inSnapshotApplySpan, onwardTraceCarrier } from '../../infra/tracing/spans';
import { DeliveryMetrics } from '../delivery/delivery.metrics';
import { EnvironmentSnapshot } from '../delivery/environment-snapshot';
import { registerSnapshotGauges, SnapshotChanges, SnapshotSource } from '../delivery/snapshot-source';
import { StreamHub } from '../delivery/stream-hub';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What applying a change did: applied, already had it, or a gap the feed must fill (by reconnecting). */
export type ApplyOutcome = 'applied' | 'stale' | 'gap';

/**
 * An edge's snapshots, taken from its upstream's relay feed: the same EnvironmentSnapshot objects
 * as on API nodes, so streaming, polling and OFREP behave identically. SDK keys are known only by
 * their SHA-256 (an edge never holds the keys themselves). Also the catalogue this edge relays to
 * edges below it.
 */
@Injectable()
export class EdgeSnapshotsService extends SnapshotSource implements BeforeApplicationShutdown {
  readonly hub: StreamHub;
  private readonly snapshots = new Map<string, EnvironmentSnapshot>();
  private readonly metas = new Map<string, FeedEnvironmentMeta>();
  private byKeyHash = new Map<string, string>();
  private readonly reloadListeners: (() => void)[] = [];

  constructor(
    private readonly changes: SnapshotChanges,
    private readonly metrics: DeliveryMetrics,
    metricsService: MetricsService,
  ) {
    super();
    this.hub = new StreamHub(() => metrics.slowClients.inc());
    registerSnapshotGauges(metricsService, this.snapshots, this.hub);
  }

  beforeApplicationShutdown(): void {
    this.hub.closeAll();
  }

  get(environmentId: string): Promise<EnvironmentSnapshot | null> {
    return Promise.resolve(this.peek(environmentId));
  }

  /** An edge holds every snapshot it serves: what it does not hold does not exist here. */
  peek(environmentId: string): EnvironmentSnapshot | null {
    return this.snapshots.get(environmentId) ?? null;
  }

  /** An edge has nowhere to catch up from but its feed: a client resuming from a newer revision gets a put. */
  catchUpTo(): Promise<void> {
    return Promise.resolve();
  }

  changesSince(s: EnvironmentSnapshot, revision: bigint): Promise<FeedChange[] | null> {
    return Promise.resolve(s.changesSince(revision));
  }

  /** SdkKeyResolver. */
  environmentFor(sdkKey: string): Promise<string | null> {
    return Promise.resolve(this.peekEnvironmentFor(sdkKey));
  }

  /** SdkKeyResolver: an edge knows every key it accepts (from its feed). */
  peekEnvironmentFor(sdkKey: string): string | null {
    return this.byKeyHash.get(sha256(sdkKey)) ?? null;
  }

  /** RelayCatalog. */
  environments(): readonly FeedEnvironmentMeta[] {
    return [...this.metas.values()];
  }

  onReload(listener: () => void): void {
    this.reloadListeners.push(listener);
  }

  /** The revision held of each environment, sent when (re)opening the feed. */
  revisions(): Record<string, string> {
    return Object.fromEntries([...this.snapshots].map(([id, s]) => [id, String(s.revision)]));
  }

  get size(): number {
    return this.snapshots.size;
  }

  /** `environment`: the whole environment. Open streams on it get a put (the protocol allows one at any time). */
  replace(env: FeedEnvironment): void {
    const snapshot = EnvironmentSnapshot.fromSdk(env.id, BigInt(env.revision), env.data);
    const had = this.snapshots.has(env.id);
    this.snapshots.set(env.id, snapshot);
    this.setMeta(env);
    if (had) {
      this.hub.broadcast(env.id, snapshot.putEvent());
      this.changes.replaced(env.id);
    }
  }

  /**
   * `change`: the next revision of an environment, applied in a gantry.snapshot.apply span that
   * continues the upstream's (when the change carries a valid trace context), with the fan-out to
   * this edge's streams under it; edges fed from this one are passed this edge's context.
   */
  apply(change: FeedChange): ApplyOutcome {
    const s = this.snapshots.get(change.environmentId);
    if (!s) return 'gap';
    const revision = BigInt(change.revision);
    if (revision <= s.revision) return 'stale';
    if (revision !== s.revision + 1n) return 'gap';
    return inSnapshotApplySpan(change.trace, { ...change, revision }, (span) => {
      const text = s.apply({ ...change, revision });
      if (text === null) return 'gap';
      // The change as the snapshot keeps it: only its known fields go on to feeds below.
      this.changes.applied(s, s.lastChange() ?? change, onwardTraceCarrier(span, change.trace));
      const sent = inFanoutSpan(span, () => this.hub.broadcast(s.environmentId, text), change.committedAt);
      this.metrics.eventsSent.inc(sent);
      if (change.committedAt) this.metrics.propagationLag.observe((Date.now() - change.committedAt) / 1000);
      return 'applied';
    });
  }

  /** `meta`: a key rotated (streams opened with the old key end) or a first sight of the environment. */
  setMeta(meta: FeedEnvironmentMeta): void {
    const before = this.metas.get(meta.id);
    this.metas.set(meta.id, { id: meta.id, project: meta.project, key: meta.key, sdkKeyHash: meta.sdkKeyHash });
    if (before?.sdkKeyHash === meta.sdkKeyHash && before.project === meta.project && before.key === meta.key) return;
    this.rebuildKeys();
    if (before) this.hub.closeWhere((st) => st.environmentId === meta.id && sha256(st.sdkKey) !== meta.sdkKeyHash);
    this.notify();
  }

  /** `remove`: deleted upstream or out of the credential's scope. */
  remove(environmentId: string): void {
    this.snapshots.delete(environmentId);
    if (!this.metas.delete(environmentId)) return;
    this.rebuildKeys();
    this.hub.closeWhere((st) => st.environmentId === environmentId);
    this.notify();
  }

  private rebuildKeys(): void {
    this.byKeyHash = new Map([...this.metas.values()].map((m) => [m.sdkKeyHash, m.id]));
  }

  private notify(): void {
    for (const l of this.reloadListeners) l();
  }
}
