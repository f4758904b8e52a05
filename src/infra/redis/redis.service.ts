import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import { GANTRY_CONFIG, type GantryConfig } from '../config/config';

/**
 * Redis connections. BullMQ needs blocking connections with `maxRetriesPerRequest: null`, so it
 * gets its own factory; `client` is for ordinary commands (health, pub/sub publish, context sample,
 * trigger limits).
 *
 * Redis is never on a path that must answer while it is away: `client` commands fail within
 * GANTRY_REDIS_COMMAND_TIMEOUT_MS (a black-holed connection never answers, so only a timeout
 * notices) and are not kept queued across failed reconnects (`maxRetriesPerRequest: 0`), so every
 * caller degrades quickly instead of hanging. Subscribers are the exception: a SUBSCRIBE may wait
 * for Redis to come back (see `subscriber`).
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(@Inject(GANTRY_CONFIG) private readonly config: GantryConfig) {
    this.client = this.create('client', {
      commandTimeout: config.redisCommandTimeoutMs,
      maxRetriesPerRequest: 0,
    });
  }

  get prefix(): string {
    return this.config.redisPrefix;
  }

  /** The longest a caller should wait for Redis before degrading (GANTRY_REDIS_COMMAND_TIMEOUT_MS). */
  get commandTimeoutMs(): number {
    return this.config.redisCommandTimeoutMs;
  }

  /** Whether `client` is connected now: callers that may skip Redis altogether check this first. */
  get available(): boolean {
    return this.client.status === 'ready';
  }

  /** A new connection suitable for BullMQ workers and queues; closed with the service. */
  connectionForBullMq(): Redis {
    const c = this.create('bullmq', { maxRetriesPerRequest: null });
    this.extra.push(c);
    return c;
  }

  /**
   * A connection for (P)SUBSCRIBE, closed by its owner. Its commands wait for Redis however long it
   * is away (no timeout, no retry limit), so a node started while Redis is down subscribes when it
   * returns; ioredis re-subscribes by itself after a reconnect, and emits `ready` each time, which
   * is when a subscriber must catch up on what was published meanwhile.
   */
  subscriber(name: string): Redis {
    return this.create(name, { maxRetriesPerRequest: null });
  }

  private create(name: string, extra: Record<string, unknown> = {}): Redis {
    const c = new IORedis(this.config.redisUrl, {
      lazyConnect: false,
      enableReadyCheck: true,
      connectionName: `gantry-${name}`,
      ...extra,
    });
    // Without a listener ioredis logs unhandled errors; we log them once per state change instead.
    c.on('error', (err) => this.logger.warn(`redis ${name}: ${err.message}`));
    return c;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.client, ...this.extra].map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/**
 * `p`, or a rejection after `ms`: for Redis work whose client has no timeout of its own (BullMQ
 * queues wait for Redis indefinitely). The work itself is not cancelled; callers use it only for
 * idempotent work (deterministic job ids) that a sweep repeats anyway.
 */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  p.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
