import { Injectable } from '@nestjs/common';
import { RedisService } from '../../infra/redis/redis.service';

/** Published when SDK keys change (rotation, environment deleted) so every node drops its cache. */
export const keysChannel = (prefix: string) => `${prefix}:sdk-keys`;

/**
 * Tells every API node that SDK keys changed (rotation, environment deleted), from any process.
 * Projects own the keys, so they announce it; delivery subscribes to `keysChannel`.
 */
@Injectable()
export class SdkKeysNotifier {
  constructor(private readonly redis: RedisService) {}

  async changed(): Promise<void> {
    await this.redis.client.publish(keysChannel(this.redis.prefix), 'changed').catch(() => undefined);
  }
}
