import type { FeedChange, FeedEnvironmentMeta, FeedTraceContext } from '../../core/relay/feed-protocol';
import type { EnvironmentSnapshot } from './environment-snapshot';
import type { MetricsService } from '../../infra/metrics/metrics.service';
import type { StreamHub } from './stream-hub';

/**
 * Where a node's SDK surfaces (streaming, polling, OFREP, events) get their snapshots. An API node
 * loads them from PostgreSQL and keeps them current from Redis (EnvironmentSnapshotsService); an
 * edge node takes them from its upstream's relay feed (EdgeSnapshotsService). The SDK services
 * depend on this class only, so the same handlers serve both roles.
 */
export abstract class SnapshotSource {
  /** The SSE streams of this node. */
  abstract readonly hub: StreamHub;
  /** The snapshot of an environment, or null if it does not exist (or is not served here). */
  abstract get(environmentId: string): Promise<EnvironmentSnapshot | null>;
  /**
   * What `get` would answer, when this node can tell without waiting (the snapshot is held, or
   * cannot be had here); undefined when only `get` can. Lets the hottest SDK routes answer in one
   * synchronous pass, with no promise per request.
   */
  abstract peek(environmentId: string): EnvironmentSnapshot | null | undefined;
  /** Brings the snapshot up to at least `revision` where this node can (a client resuming from a newer node). */
  abstract catchUpTo(snapshot: EnvironmentSnapshot, revision: bigint): Promise<void>;
  /**
   * The changes after `revision` up to the snapshot's, for an edge resuming its feed; null when they
   * cannot all be had (the edge then gets the whole environment).
   */
  abstract changesSince(snapshot: EnvironmentSnapshot, revision: bigint): Promise<FeedChange[] | null>;
}

/** SDK key → environment id, without a database read on the hot path. */
export abstract class SdkKeyResolver {
  abstract environmentFor(sdkKey: string): Promise<string | null>;
  /** What `environmentFor` would answer, when known without waiting; undefined when only it can tell. */
  abstract peekEnvironmentFor(sdkKey: string): string | null | undefined;
}

/**
 * The environments a node can relay to edges, with what edges route SDK requests by. Listeners
 * hear of every change to the list (an environment created or deleted, a key rotated).
 */
export abstract class RelayCatalog {
  abstract environments(): readonly FeedEnvironmentMeta[];
  abstract onReload(listener: () => void): void;
}

/** What the node's SDK events endpoint does with a request's events (store and count, or forward upstream). */
export abstract class SdkEventSink {
  abstract ingest(environmentId: string, body: unknown, sdk: string): Promise<unknown>;
}

type AppliedListener = (snapshot: EnvironmentSnapshot, change: FeedChange, trace?: FeedTraceContext) => void;

/**
 * Changes as the node's snapshots apply them, for relay feeds: each applied change, and each
 * snapshot replaced whole (a reload after missed changes were pruned, or a new upstream state).
 */
export class SnapshotChanges {
  private readonly appliedListeners: AppliedListener[] = [];
  private readonly replacedListeners: ((environmentId: string) => void)[] = [];

  onApplied(listener: AppliedListener): void {
    this.appliedListeners.push(listener);
  }
  onReplaced(listener: (environmentId: string) => void): void {
    this.replacedListeners.push(listener);
  }
  /** `trace`: the context to pass on with the change (this node's apply span), when it is traced. */
  applied(snapshot: EnvironmentSnapshot, change: FeedChange, trace?: FeedTraceContext): void {
    for (const l of this.appliedListeners) l(snapshot, change, trace);
  }
  replaced(environmentId: string): void {
    for (const l of this.replacedListeners) l(environmentId);
  }
}

/** The gauges every node that serves snapshots exposes, whichever role it has. */
export function registerSnapshotGauges(
  metrics: MetricsService,
  snapshots: ReadonlyMap<string, EnvironmentSnapshot>,
  hub: StreamHub,
): void {
  metrics.gauge(
    'gantry_snapshot_revision',
    'Revision of each environment snapshot held by this node',
    ['environment'],
    (g) => {
      g.reset();
      for (const [id, s] of snapshots) g.set({ environment: id }, Number(s.revision));
    },
  );
  metrics.gauge('gantry_sdk_streams', 'Connected SDK streams on this node', [], (g) => g.set(hub.size));
}
