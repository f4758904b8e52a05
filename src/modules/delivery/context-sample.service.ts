import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '../../infra/redis/redis.service';

/** Contexts kept per environment (Algorithm R reservoir). */
export const SAMPLE_SIZE = 500;
/** After this many observations the reservoir restarts, so it reflects recent traffic. */
const WINDOW = 50_000;
/** This node offers at most one context per environment per interval: sampling must stay cheap. */
const MIN_INTERVAL_MS = 50;
const MAX_CONTEXT_BYTES = 4096;

/**
 * A bounded, shared (Redis) sample of recently seen contexts per environment, from OFREP calls and
 * SDK events. Governance uses it to preview who a change would affect. Fire-and-forget: sampling
 * never slows or fails the request that offered the context.
 */
@Injectable()
export class ContextSampleService {
  private readonly logger = new Logger('context-sample');
  private readonly last = new Map<string, number>();

  constructor(private readonly redis: RedisService) {}

  offer(environmentId: string, context: unknown): void {
    const now = Date.now();
    if (now - (this.last.get(environmentId) ?? 0) < MIN_INTERVAL_MS) return;
    this.last.set(environmentId, now);
    const json = JSON.stringify(context);
    if (json.length > MAX_CONTEXT_BYTES) return;
    // Redis away: drop the offer at once rather than queue commands that would only time out.
    if (!this.redis.available) return;
    void this.add(environmentId, json).catch(() => undefined);
  }

  /** The sample, or none while Redis is unreachable (an impact preview then uses supplied contexts only). */
  async sample(environmentId: string): Promise<unknown[]> {
    let values: string[];
    try {
      values = await this.redis.client.hvals(this.key(environmentId, 'slots'));
    } catch (e) {
      this.logger.warn(`context sample of ${environmentId} not read: ${(e as Error).message}`);
      return [];
    }
    return values.map((v) => JSON.parse(v) as unknown);
  }

  private async add(environmentId: string, json: string): Promise<void> {
    const counter = this.key(environmentId, 'seen');
    const seen = await this.redis.client.incr(counter);
    if (seen >= WINDOW) await this.redis.client.set(counter, String(SAMPLE_SIZE));
    const slot = seen <= SAMPLE_SIZE ? seen - 1 : Math.floor(Math.random() * seen);
    if (slot < SAMPLE_SIZE) await this.redis.client.hset(this.key(environmentId, 'slots'), String(slot), json);
  }

  private key(environmentId: string, part: string): string {
    return `${this.redis.prefix}:contexts:${environmentId}:${part}`;
  }
}
