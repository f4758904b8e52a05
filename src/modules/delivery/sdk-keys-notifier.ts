import { Injectable } from '@nestjs/common';
import { RedisService } from '../../infra/redis/redis.service';
import { keysChannel } from './delivery-channels';

/** Tells every API node that SDK keys changed (rotation, environment deleted), from any process. */
@Injectable()
export class SdkKeysNotifier {
  constructor(private readonly redis: RedisService) {}

  async changed(): Promise<void> {
    await this.redis.client.publish(keysChannel(this.redis.prefix), 'changed').catch(() => undefined);
  }
}
