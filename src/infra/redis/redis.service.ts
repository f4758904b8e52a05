import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import { GANTRY_CONFIG, type GantryConfig } from '../config/config';

/**
 * Redis connections. BullMQ needs blocking connections with `maxRetriesPerRequest: null`, so it
 * gets its own factory; `client` is for ordinary commands (health, pub/sub publish).
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(@Inject(GANTRY_CONFIG) private readonly config: GantryConfig) {
    this.client = this.create('client');
  }

  get prefix(): string {
    return this.config.redisPrefix;
  }

  /** A new connection suitable for BullMQ workers and queues; closed with the service. */
  connectionForBullMq(): Redis {
    const c = this.create('bullmq', { maxRetriesPerRequest: null });
    this.extra.push(c);
    return c;
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
