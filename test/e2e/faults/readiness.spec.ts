/**
 * /health/ready with Redis unreachable (the PostgreSQL side is in postgres-down.spec.ts): the node
 * still serves SDK traffic from its snapshots, so it answers 200 `degraded` with the Redis check
 * failing and gantry_dependency_up{dependency="redis"} at 0, never 503; once Redis is back, `ok`.
 */
import { startGantry, type Gantry } from '../../support/app-harness';
import { eventually, metricValue, sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { redisFaultProxy, type FaultProxy } from '../../support/fault-proxy';

interface Readiness {
  status: string;
  ready: boolean;
  checks: Record<string, string>;
}

describe('readiness with Redis unreachable', () => {
  let redisLink: FaultProxy;
  let g: Gantry;

  beforeAll(async () => {
    redisLink = await redisFaultProxy();
    g = await startGantry({ redisPort: redisLink.port });
  });
  afterAll(async () => {
    await g?.stop();
    await redisLink?.close();
  });

  const readiness = async (expected: { http: number; status: string }) =>
    eventually(
      async () => {
        const r = await g.raw<Readiness>('GET', '/health/ready');
        expect([r.status, r.body.status]).toEqual([expected.http, expected.status]);
        return r.body;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  const redisUp = async () =>
    metricValue((await g.raw('GET', '/metrics')).text, 'gantry_dependency_up', '{dependency="redis"}');

  it('says degraded, not down, while Redis is cut, and ok again when it is back', async () => {
    const api = g.client(g.ownerToken);
    const project = await factory.project(api);
    await factory.flag(api, project.key, { key: 'lamp' });
    const sdkKey = await sdkKeyOf(api, project.key, 'production');
    await readiness({ http: 200, status: 'ok' });

    await redisLink.cut();
    const degraded = await readiness({ http: 200, status: 'degraded' });
    expect(degraded).toMatchObject({ ready: true, checks: { postgres: 'ok', snapshots: 'ok' } });
    expect(degraded.checks.redis).toMatch(/^error/);
    expect(await redisUp()).toBe(0);
    const poll = await g.raw('GET', '/sdk/latest-all', { headers: { authorization: sdkKey } });
    expect(poll.status).toBe(200);

    await redisLink.heal();
    const back = await readiness({ http: 200, status: 'ok' });
    expect(back.checks.redis).toBe('ok');
    expect(await redisUp()).toBe(1);
  });
});
