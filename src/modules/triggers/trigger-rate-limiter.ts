import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { ClockService } from '../../infra/clock/clock.service';
import { RedisService } from '../../infra/redis/redis.service';

/** Calls per trigger per window: enough for any pipeline or alerting rule, not for a loop gone wrong. */
export const TRIGGER_RATE_LIMIT = 60;
export const TRIGGER_RATE_WINDOW_SECONDS = 60;

/** 429 with the seconds to wait (the problem filter sends them as Retry-After). */
export class TriggerRateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      'trigger/rate_limited',
      `this trigger was called more than ${TRIGGER_RATE_LIMIT} times in ${TRIGGER_RATE_WINDOW_SECONDS} s; retry in ${retryAfterSeconds} s`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A fixed-window counter per trigger in Redis (shared by every API node). If Redis is unreachable
 * the call is let through: the limit protects the flag from a runaway caller, and losing it
 * briefly is better than refusing every trigger while Redis is down.
 */
@Injectable()
export class TriggerRateLimiter {
  private readonly logger = new Logger('triggers');

  constructor(
    private readonly redis: RedisService,
    private readonly clock: ClockService,
  ) {}

  async consume(triggerId: string): Promise<void> {
    const now = this.clock.now().getTime();
    const windowMs = TRIGGER_RATE_WINDOW_SECONDS * 1000;
    const window = Math.floor(now / windowMs);
    const key = `${this.redis.prefix}:triggers:rate:${triggerId}:${window}`;
    let count: number;
    try {
      const replies = await this.redis.client
        .multi()
        .incr(key)
        .expire(key, TRIGGER_RATE_WINDOW_SECONDS * 2)
        .exec();
      count = Number(replies?.[0]?.[1] ?? 0);
    } catch (e) {
      this.logger.warn(`trigger ${triggerId}: rate limit not checked: ${(e as Error).message}`);
      return;
    }
    if (count > TRIGGER_RATE_LIMIT)
      throw new TriggerRateLimitedError(Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)));
  }
}
