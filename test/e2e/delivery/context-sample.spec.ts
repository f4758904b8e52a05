/**
 * Every environment keeps a bounded sample of recently seen contexts (from OFREP calls and SDK
 * events) in Redis, for governance's impact previews.
 */
import IORedis from 'ioredis';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';

describe('context sample', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let redis: IORedis;

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: 'cs', environments: ['production', 'staging'] });
    await factory.flag(api, 'cs', { key: 'f' });
    redis = new IORedis(process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    redis?.disconnect();
    await gantry?.stop();
  });

  const sampled = async (envId: string) =>
    (await redis.hvals(`${gantry.redisPrefix}:contexts:${envId}:slots`)).map(
      (v) => JSON.parse(v) as { key: string; kind: string; plan?: string },
    );

  it('keeps contexts seen by OFREP and in SDK events, per environment', async () => {
    const production = await sdkKeyOf(api, 'cs', 'production');
    const [{ id: productionId }] = await gantry.sql<{ id: string }>(
      `SELECT e."id"::text AS id FROM "Environment" e WHERE e."key" = 'production'`,
    );
    const [{ id: stagingId }] = await gantry.sql<{ id: string }>(
      `SELECT e."id"::text AS id FROM "Environment" e WHERE e."key" = 'staging'`,
    );
    for (const [i, plan] of ['free', 'pro'].entries()) {
      const res = await gantry.raw('POST', '/ofrep/v1/evaluate/flags/f', {
        headers: { authorization: `Bearer ${production}` },
        body: { context: { targetingKey: `user-${i}`, plan } },
      });
      expect(res.status).toBe(200);
      // The node offers at most one context per environment every 50 ms.
      await new Promise((r) => setTimeout(r, 120));
    }
    const events = await gantry.raw('POST', '/bulk', {
      headers: { authorization: production },
      body: [{ kind: 'index', creationDate: Date.now(), context: { kind: 'org', key: 'acme' } }],
    });
    expect(events.status).toBe(202);

    let contexts: { key: string; kind: string; plan?: string }[] = [];
    for (let i = 0; i < 50 && contexts.length < 3; i++) {
      contexts = await sampled(productionId);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(contexts.map((c) => `${c.kind}:${c.key}`).sort()).toEqual(['org:acme', 'user:user-0', 'user:user-1']);
    expect(contexts.find((c) => c.key === 'user-1')?.plan).toBe('pro');
    expect(await sampled(stagingId)).toEqual([]);
  });
});
