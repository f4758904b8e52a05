import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { FeedEnvironmentMeta } from '../../core/relay/feed-protocol';
import { RedisService } from '../../infra/redis/redis.service';
import { keysChannel } from '../projects/sdk-keys-notifier';
import { DeliveryRepository } from './delivery.repository';
import { SdkKeyResolver } from './snapshot-source';

export interface KeyCheck {
  /** Whether the key still opens that environment (false once rotated or deleted). */
  opens(sdkKey: string, environmentId: string): boolean;
  exists(environmentId: string): boolean;
}

/** A key that is not an environment's is remembered as unknown for a while, so guessing costs no queries. */
const NEGATIVE_TTL_MS = 10_000;
const NEGATIVE_MAX = 10_000;
/** A reload that failed (PostgreSQL unreachable) is tried again after this, until one succeeds. */
const RELOAD_RETRY_MS = 2_000;

/**
 * SDK key -> environment id, held in memory so authenticating an SDK request reads no database.
 * Rotation and deletion publish on Redis and every node reloads; a key unknown here is looked up
 * once in PostgreSQL (a new environment) and then cached either way. While PostgreSQL is
 * unreachable the keys held here keep authenticating; a reload that failed (a rotation announced
 * meanwhile) is retried until it succeeds, so a revoked key stops working once it can be read.
 */
@Injectable()
export class SdkKeysService extends SdkKeyResolver implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('sdk-keys');
  private keys = new Map<string, string>();
  private metas: FeedEnvironmentMeta[] = [];
  private readonly unknown = new Map<string, number>();
  private readonly reloadListeners: ((keys: KeyCheck) => void)[] = [];
  private subscriber?: Redis;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly redis: RedisService,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.reload().catch((e: Error) => this.logger.warn(`loading SDK keys failed: ${e.message}`));
    this.subscriber = this.redis.subscriber('sdk-keys');
    this.subscriber.on('error', (e) => this.logger.warn(`redis subscriber: ${e.message}`));
    this.subscriber.on('message', () => void this.reload().catch(() => undefined));
    // Rotations announced while Redis was away were missed: reload on every (re)connection.
    this.subscriber.on('ready', () => void this.reload().catch(() => undefined));
    this.subscriber
      .subscribe(keysChannel(this.redis.prefix))
      .catch((e: Error) => this.logger.warn(`subscribe: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** The environment an SDK key belongs to, or null. */
  async environmentFor(sdkKey: string): Promise<string | null> {
    const id = this.keys.get(sdkKey);
    if (id) return id;
    const seen = this.unknown.get(sdkKey);
    if (seen !== undefined && Date.now() - seen < NEGATIVE_TTL_MS) return null;
    const env = await this.repo.environmentBySdkKey(sdkKey);
    if (env) {
      this.keys.set(sdkKey, env.id);
      return env.id;
    }
    if (this.unknown.size >= NEGATIVE_MAX) this.unknown.clear();
    this.unknown.set(sdkKey, Date.now());
    return null;
  }

  /** A key held in memory; an unknown one may be a new environment's, which only environmentFor reads. */
  peekEnvironmentFor(sdkKey: string): string | undefined {
    return this.keys.get(sdkKey);
  }

  /** Every environment, for relay feeds (RelayCatalog). */
  environments(): readonly FeedEnvironmentMeta[] {
    return this.metas;
  }

  /** Called after every reload with checks of which keys and environments still exist. */
  onReload(listener: (keys: KeyCheck) => void): void {
    this.reloadListeners.push(listener);
  }

  /** Loads every key; after a failure tries again every RELOAD_RETRY_MS until a load succeeds. */
  private async reload(): Promise<void> {
    try {
      await this.load();
    } catch (e) {
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        void this.reload().catch((err: Error) => this.logger.warn(`loading SDK keys failed again: ${err.message}`));
      }, RELOAD_RETRY_MS).unref();
      throw e;
    }
  }

  private async load(): Promise<void> {
    const rows = await this.repo.sdkKeys();
    this.keys = new Map(rows.map((r) => [r.sdkKey, r.id]));
    this.metas = rows.map((r) => ({
      id: r.id,
      project: r.projectKey,
      key: r.key,
      sdkKeyHash: createHash('sha256').update(r.sdkKey).digest('hex'),
    }));
    this.unknown.clear();
    const environments = new Set(rows.map((r) => r.id));
    const check: KeyCheck = {
      opens: (sdkKey, environmentId) => this.keys.get(sdkKey) === environmentId,
      exists: (environmentId) => environments.has(environmentId),
    };
    for (const l of this.reloadListeners) l(check);
  }
}
