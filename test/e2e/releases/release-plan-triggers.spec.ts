/**
 * Release plan phases started by what happens outside Gantry's API (the real app: PostgreSQL,
 * Redis, worker): a deploy signal of a linked service starts the phase waiting for it, in that
 * environment only; a first-evaluation phase starts when a real LaunchDarkly SDK evaluates the flag
 * in its environment.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Project } from '../../support/factories';
import { flagReleases, immediate, turnOn } from '../../support/release-plans';

describe('release plan triggers', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'production'] });
  });
  afterAll(() => g?.stop());

  const P = () => ({ projectKey: project.key });
  const { createPlan, twoWay, start, status, until } = flagReleases(() => ({ api: owner, projectKey: project.key }));

  it('a deploy signal of a linked service starts the phase waiting for it, in that environment only', async () => {
    ok(
      await createPlan({
        key: 'on-deploy',
        name: 'On deploy',
        phases: [
          { environmentKey: 'staging', strategy: immediate, trigger: { kind: 'deploy', service: 'checkout-api' } },
          { environmentKey: 'production', strategy: immediate, trigger: { kind: 'deploy', service: 'checkout-api' } },
        ],
      }),
    );
    const flag = await twoWay(['service.checkout-api']);
    await turnOn(owner, project.key, flag.key, ['staging', 'production']);
    ok(await start(flag, { planKey: 'on-deploy' }));
    const deploy = (environment: string, service: string, version: string) =>
      owner.POST('/api/v1/projects/{projectKey}/deployments', {
        params: { path: P() },
        body: { environment, service, version },
      });

    // A deploy of another service starts nothing.
    expect(ok(await deploy('staging', 'search-api', '7.0.0')).effects).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await status(flag)).audiences.map((a) => a.status)).toEqual(['pending', 'pending']);

    const staging = ok(await deploy('staging', 'checkout-api', '1.4.2'));
    expect(staging.flagKeys).toContain(flag.key);
    expect(staging.effects).toEqual([
      expect.objectContaining({ flagKey: flag.key, kind: 'release_plan.phase_triggered' }),
    ]);
    const afterStaging = await until(flag, (r) => r.audiences[0].status === 'completed');
    expect(afterStaging.audiences[0]).toMatchObject({ triggeredBy: 'deploy of checkout-api 1.4.2 to staging' });
    expect(afterStaging.audiences[1].status).toBe('pending');

    ok(await deploy('production', 'checkout-api', '1.4.2'));
    const done = await until(flag, (r) => r.status === 'completed');
    expect(done.audiences[1]).toMatchObject({ triggeredBy: 'deploy of checkout-api 1.4.2 to production' });
  });

  it('a first-evaluation phase starts when a real SDK evaluates the flag in its environment', async () => {
    ok(
      await createPlan({
        key: 'on-first-eval',
        name: 'On first evaluation',
        phases: [{ environmentKey: 'staging', strategy: immediate, trigger: { kind: 'first_evaluation' } }],
      }),
    );
    const flag = await twoWay();
    await turnOn(owner, project.key, flag.key, ['staging']);
    ok(await start(flag, { planKey: 'on-first-eval' }));
    // Nobody has evaluated it: the phase waits (several worker looks pass).
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await status(flag)).audiences[0].status).toBe('pending');

    const client = ldClient(g.baseUrl, await sdkKeyOf(owner, project.key, 'staging'), {
      sendEvents: true,
      flushInterval: 3600,
    });
    try {
      await client.waitForInitialization({ timeout: 10 });
      expect(await client.variation(flag.key, { kind: 'user', key: 'first' }, null)).toBe('old');
      await client.flush();
      const done = await until(flag, (r) => r.status === 'completed');
      expect(done.audiences[0]).toMatchObject({ status: 'completed', triggeredBy: 'first evaluation' });
      // The SDK sees the release.
      await eventually(async () =>
        expect(await client.variation(flag.key, { kind: 'user', key: 'first' }, null)).toBe('new'),
      );
    } finally {
      client.close();
    }
  });
});
