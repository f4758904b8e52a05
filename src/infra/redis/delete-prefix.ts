import IORedis from 'ioredis';

/**
 * Deletes every key under a deployment prefix (plain keys and BullMQ's `<prefix>:bull:*`): what
 * tests and benchmarks use to leave a shared Redis as they found it. Best effort: an unreachable
 * Redis is not an error (nothing could have been kept there either).
 */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // unreachable: nothing to clean
  } finally {
    redis.disconnect();
  }
}
