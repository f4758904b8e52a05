import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { RedisService } from '../../infra/redis/redis.service';
import { hashSecret } from '../accounts/token-secret';
import type { TriggerFireResult } from './models/trigger.view';

/** How long a delivery's Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** A call still running holds its key this long at most (a crashed node's claim expires). */
const CLAIM_TTL_SECONDS = 60;
const PENDING = 'pending';
const KEY_SHAPE = /^[\x21-\x7E]{1,255}$/;

export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY_SHAPE.test(header)) {
    throw new DomainError(
      'trigger/invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
      [{ field: 'Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' }],
    );
  }
  return header;
}

export type Claim = { kind: 'claimed' } | { kind: 'done'; result: TriggerFireResult } | { kind: 'unavailable' };

/**
 * Repeated deliveries of one call (a webhook retried by the monitoring tool, a CI step re-run):
 * the first call with a key claims it, and its result is kept for 24 h so repeats answer the same
 * without firing again. Keys are per trigger, stored hashed under the deployment's Redis prefix.
 * If Redis is unreachable the call goes ahead unprotected (most trigger actions are idempotent
 * anyway: turning on a flag that is on changes nothing).
 */
@Injectable()
export class TriggerIdempotencyStore {
  private readonly logger = new Logger('triggers');

  constructor(private readonly redis: RedisService) {}

  async claim(triggerId: string, key: string): Promise<Claim> {
    const k = this.key(triggerId, key);
    try {
      const claimed = await this.redis.client.set(k, PENDING, 'EX', CLAIM_TTL_SECONDS, 'NX');
      if (claimed === 'OK') return { kind: 'claimed' };
      const stored = await this.redis.client.get(k);
      if (stored === null) return this.claim(triggerId, key);
      if (stored === PENDING)
        throw new DomainError(
          'trigger/in_progress',
          'a call with this Idempotency-Key is still being processed; retry shortly',
        );
      return { kind: 'done', result: JSON.parse(stored) as TriggerFireResult };
    } catch (e) {
      if (e instanceof DomainError) throw e;
      this.logger.warn(`trigger ${triggerId}: Idempotency-Key not checked: ${(e as Error).message}`);
      return { kind: 'unavailable' };
    }
  }

  async complete(triggerId: string, key: string, result: TriggerFireResult): Promise<void> {
    await this.redis.client
      .set(this.key(triggerId, key), JSON.stringify(result), 'EX', IDEMPOTENCY_TTL_SECONDS)
      .catch((e: Error) => this.logger.warn(`trigger ${triggerId}: result for Idempotency-Key not kept: ${e.message}`));
  }

  /** A call that failed leaves no trace: retrying with the same key tries again. */
  async release(triggerId: string, key: string): Promise<void> {
    await this.redis.client.del(this.key(triggerId, key)).catch(() => undefined);
  }

  private key(triggerId: string, key: string): string {
    return `${this.redis.prefix}:triggers:idempotency:${triggerId}:${hashSecret(key)}`;
  }
}
