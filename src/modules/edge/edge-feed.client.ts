import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import {
  FEED_HEARTBEAT_MS,
  type FeedChange,
  type FeedEnvironment,
  type FeedEnvironmentMeta,
} from '../../core/relay/feed-protocol';
import { SseParser, type SseEvent } from '../../core/relay/sse-parser';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { EdgeSnapshotsService } from './edge-snapshots.service';
import { Upstream } from './upstream';

export type FeedState = 'connecting' | 'syncing' | 'connected' | 'disconnected' | 'rejected';

export interface FeedStatus {
  state: FeedState;
  upstream: string;
  /** Whether the edge has ever been in sync (it serves from then on, whatever happens upstream). */
  synced: boolean;
  /** Seconds the snapshots may be behind: 0 while the feed is live, else the time since it was. */
  stalenessSeconds: number;
  environments: number;
  connects: number;
  /** Environments received whole (first sync, or changes no longer available upstream). */
  fullEnvironments: number;
  /** Changes applied one by one (missed ones on resume, and live ones). */
  changesApplied: number;
  lastError: string | null;
}

/** Silence longer than this (three heartbeats) means the connection is dead even if no socket says so. */
const SILENCE_MS = 3 * FEED_HEARTBEAT_MS;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;
/** A rejected credential is retried slowly (an operator may be fixing the upstream's side). */
const REJECTED_RETRY_MS = 30_000;

class FeedGap extends Error {}

/**
 * Keeps an edge's snapshots current from its upstream: one relay feed, reopened with the revisions
 * held whenever it drops, so the upstream sends only what was missed. While the upstream is away
 * the edge serves what it has and says how stale it may be (`/health/ready`, metrics).
 */
@Injectable()
export class EdgeFeedClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('edge-feed');
  private state: FeedState = 'connecting';
  private synced = false;
  /** When the feed was last known live (ready received, or a byte read since). */
  private liveAt = 0;
  private connects = 0;
  private fullEnvironments = 0;
  private changesApplied = 0;
  private lastError: string | null = null;
  private abort?: AbortController;
  private stopped = false;
  private wake?: () => void;
  private readonly reconnects: Counter;

  constructor(
    private readonly upstream: Upstream,
    private readonly snapshots: EdgeSnapshotsService,
    metrics: MetricsService,
  ) {
    metrics.gauge('gantry_edge_upstream_connected', '1 while the relay feed from the upstream is live', [], (g) =>
      g.set(this.state === 'connected' ? 1 : 0),
    );
    // The edge's /health/ready: in sync with its upstream at least once (it then serves, even stale).
    metrics.gauge('gantry_ready', '1 while /health/ready answers ready, else 0', [], (g) => g.set(this.synced ? 1 : 0));
    metrics.gauge(
      'gantry_edge_staleness_seconds',
      'How far behind the upstream this edge may be: 0 while its feed is live, else seconds since it was',
      [],
      (g) => g.set(this.staleness()),
    );
    this.reconnects = new Counter({
      name: 'gantry_edge_feed_connects_total',
      help: 'Relay feed connections opened to the upstream, by how they ended',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    void this.run();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  status(): FeedStatus {
    return {
      state: this.state,
      upstream: this.upstream.url,
      synced: this.synced,
      stalenessSeconds: this.staleness(),
      environments: this.snapshots.size,
      connects: this.connects,
      fullEnvironments: this.fullEnvironments,
      changesApplied: this.changesApplied,
      lastError: this.lastError,
    };
  }

  /** A method, not an inline comparison: the state changes inside the loop, behind TypeScript's back. */
  private live(): boolean {
    return this.state === 'connected';
  }

  private staleness(): number {
    if (this.state === 'connected') return 0;
    return this.liveAt ? Math.round((Date.now() - this.liveAt) / 100) / 10 : -1;
  }

  private async run(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!this.stopped) {
      const outcome = await this.connectOnce().catch((e: Error) => {
        this.lastError = e.message;
        return 'failed' as const;
      });
      this.reconnects.inc({ outcome });
      if (this.stopped) return;
      if (this.state === 'connected' || this.state === 'syncing') this.state = 'disconnected';
      if (outcome === 'rejected') delay = REJECTED_RETRY_MS;
      else if (outcome === 'ended') delay = FIRST_RETRY_MS;
      this.logger.warn(
        { upstream: this.upstream.url, outcome, retryInMs: delay, error: this.lastError },
        'relay feed lost; serving the last snapshots',
      );
      await this.sleep(delay * (0.75 + Math.random() / 2));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** One feed connection, until it ends. */
  private async connectOnce(): Promise<'ended' | 'rejected' | 'failed'> {
    this.abort = new AbortController();
    const abort = this.abort;
    if (this.state !== 'disconnected' && this.state !== 'rejected') this.state = 'connecting';
    const res = await this.upstream.openFeed(this.snapshots.revisions(), abort.signal);
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      this.state = 'rejected';
      this.lastError = `the upstream refused the relay credential (${res.status})`;
      this.logger.error({ upstream: this.upstream.url, status: res.status }, this.lastError);
      return 'rejected';
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`upstream answered ${res.status} to the feed request`);
    }
    this.connects++;
    this.state = 'syncing';
    const parser = new SseParser();
    const decoder = new TextDecoder();
    let watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
    try {
      for await (const chunk of res.body) {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
        if (this.live()) this.liveAt = Date.now();
        for (const ev of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) this.handle(ev);
      }
    } catch (e) {
      if (this.stopped) return 'ended';
      if (e instanceof FeedGap) {
        this.lastError = e.message;
        abort.abort();
        return 'failed';
      }
      throw abort.signal.aborted ? new Error('no heartbeat from the upstream') : e;
    } finally {
      clearTimeout(watchdog);
      if (this.live()) this.liveAt = Date.now();
    }
    return 'ended';
  }

  private handle(ev: SseEvent): void {
    switch (ev.event) {
      case 'environment':
        this.snapshots.replace(JSON.parse(ev.data) as FeedEnvironment);
        this.fullEnvironments++;
        return;
      case 'change': {
        const outcome = this.snapshots.apply(JSON.parse(ev.data) as FeedChange);
        if (outcome === 'gap') throw new FeedGap('a change arrived out of order; resuming by revision');
        if (outcome === 'applied') this.changesApplied++;
        return;
      }
      case 'meta':
        this.snapshots.setMeta(JSON.parse(ev.data) as FeedEnvironmentMeta);
        return;
      case 'remove':
        this.snapshots.remove((JSON.parse(ev.data) as { id: string }).id);
        return;
      case 'ready':
        this.state = 'connected';
        this.synced = true;
        this.liveAt = Date.now();
        this.lastError = null;
        this.logger.log(
          {
            upstream: this.upstream.url,
            environments: this.snapshots.size,
            fullEnvironments: this.fullEnvironments,
            changesApplied: this.changesApplied,
          },
          'relay feed in sync',
        );
        return;
      default:
        return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
