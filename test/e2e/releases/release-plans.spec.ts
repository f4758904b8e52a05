/**
 * Release plans on the real app (PostgreSQL, Redis, worker): a tag default attaches to a new flag
 * and starts without set-up; a versioned plan keeps its run on the version it started with; a start
 * where the audience would not see the change (flag off) is refused naming the environment, unless
 * the phase turns the flag on; a manual phase waits for its start; a phase waiting on the first
 * evaluation starts when a real LaunchDarkly SDK evaluates the flag; a guarded rollback in staging
 * pauses production's phase and notifies, and resume retries; a run with no progress expires with a
 * webhook. Bad plan bodies are refused naming the field. (Deploy-signal triggers: the deployments
 * endpoint is built on another branch; pipeline-runs.service.spec.ts covers the listener.)
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { flagIn } from '../../support/governance';
import { feedGuardEvents } from '../../support/guard-events';
import { turnOn } from '../../support/release-plans';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

type Run = Schemas['PipelineRunDto'];
type PlanBody = Schemas['CreateReleasePlanDto'];

describe('release plans', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let receiver: Receiver;

  beforeAll(async () => {
    [g, receiver] = await Promise.all([
      startGantry({ role: 'all', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } }),
      startReceiver(),
    ]);
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'production'] });
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'plans', url: receiver.url, events: ['release_plan.paused', 'release_plan.expired'] },
      }),
    );
    await factory.metric(owner, project.key);
  });
  afterAll(async () => {
    await g?.stop();
    await receiver?.close();
  });

  const P = () => ({ projectKey: project.key });
  const flagPath = (flagKey: string) => ({ projectKey: project.key, flagKey });
  const createPlan = (body: PlanBody) =>
    owner.POST('/api/v1/projects/{projectKey}/release-plans', { params: { path: P() }, body });
  const twoWay = (tags: string[] = []) =>
    factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
      tags,
    });
  const start = (flag: Flag, planKey?: string) =>
    owner.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
      params: { path: flagPath(flag.key) },
      body: { ...(planKey ? { planKey } : {}), variationId: flag.variations[1]._id },
    });
  const status = async (flag: Flag) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: flagPath(flag.key) },
      }),
    );
  const until = (flag: Flag, check: (r: Run) => boolean, timeoutMs = 20_000) =>
    eventually(
      async () => {
        const r = await status(flag);
        if (!check(r)) throw new Error(`run is ${r.status}: ${JSON.stringify(r.audiences)}`);
        return r;
      },
      { timeoutMs },
    );
  const webhook = (event: string, flag: Flag) =>
    eventually(() => {
      const got = receiver.received
        .map((r) => JSON.parse(r.body) as { event: string; data: Run & { reason?: string } })
        .find((e) => e.event === event && e.data.flagKey === flag.key);
      if (!got) throw new Error(`no ${event} for ${flag.key} yet`);
      return got;
    });
  const immediate = { kind: 'immediate' as const };

  it('refuses bad plan bodies with release_plan/invalid, naming each field', async () => {
    const bad = await createPlan({
      key: 'bad',
      name: 'Bad',
      expireAfterMs: 10,
      phases: [
        { environmentKey: 'nowhere', strategy: immediate },
        { environmentKey: 'staging', strategy: immediate, trigger: { kind: 'deploy' } },
        { environmentKey: 'production', strategy: immediate, trigger: { kind: 'sometimes' as never }, soakMs: -5 },
      ],
    });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ code: 'release_plan/invalid' });
    expect((bad.error as Schemas['ProblemDto']).errors!.map((e) => e.field).sort()).toEqual([
      'expireAfterMs',
      'phases[0].environmentKey',
      'phases[1].trigger.service',
      'phases[2].soakMs',
      'phases[2].trigger.kind',
    ]);
    const withPrevious = await createPlan({
      key: 'bad',
      name: 'Bad',
      phases: [{ environmentKey: 'staging', strategy: immediate, trigger: { kind: 'with_previous' } }],
    });
    expect(withPrevious.error).toMatchObject({
      code: 'release_plan/invalid',
      detail: expect.stringContaining('phases[0].trigger.kind'),
    });
    const wrongType = await owner.POST('/api/v1/projects/{projectKey}/release-plans', {
      params: { path: P() },
      body: {
        key: 'bad',
        name: 'Bad',
        phases: [{ environmentKey: 'staging', strategy: immediate, turnFlagOn: 'yes' }],
      } as never,
    });
    expect(wrongType.response.status).toBe(400);
    expect(wrongType.error).toMatchObject({ code: 'request/invalid' });
    const empty = await createPlan({ key: 'bad', name: 'Bad', phases: [] });
    expect(empty.response.status).toBe(400);
    // Nothing was written.
    expect(ok(await owner.GET('/api/v1/projects/{projectKey}/release-plans', { params: { path: P() } })).items).toEqual(
      [],
    );
    const missing = await owner.PUT('/api/v1/projects/{projectKey}/release-plans/{key}', {
      params: { path: { ...P(), key: 'nope' } },
      body: { name: 'x' },
    });
    expect(missing.error).toMatchObject({ code: 'release_plan/not_found' });
  });

  it('a flag with no plan for it gets release_plan/no_plan; a tag default attaches to a new flag and starts without set-up', async () => {
    const untagged = await twoWay();
    const none = await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release-plan', {
      params: { path: flagPath(untagged.key) },
    });
    expect(none.response.status).toBe(404);
    expect(none.error).toMatchObject({ code: 'release_plan/no_plan' });
    expect((await start(untagged)).error).toMatchObject({ code: 'release_plan/no_plan' });

    ok(
      await createPlan({
        key: 'checkout-default',
        name: 'Checkout',
        forTags: ['checkout'],
        phases: [
          { environmentKey: 'staging', strategy: immediate, turnFlagOn: true },
          { environmentKey: 'production', strategy: immediate, turnFlagOn: true },
        ],
      }),
    );
    ok(
      await createPlan({
        key: 'project-default',
        name: 'Everything else',
        default: true,
        phases: [{ environmentKey: 'staging', strategy: immediate, trigger: { kind: 'manual' } }],
      }),
    );
    // Created after the defaults, with nothing set up for it.
    const flag = await twoWay(['checkout']);
    const resolved = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release-plan', {
        params: { path: flagPath(flag.key) },
      }),
    );
    expect(resolved).toMatchObject({ source: 'tag', tag: 'checkout', plan: { key: 'checkout-default', version: 1 } });
    const other = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release-plan', {
        params: { path: flagPath(untagged.key) },
      }),
    );
    expect(other).toMatchObject({ source: 'project', plan: { key: 'project-default', default: true } });

    const started = ok(await start(flag));
    expect(started).toMatchObject({ planKey: 'checkout-default', planVersion: 1, status: 'running' });
    await until(flag, (r) => r.status === 'completed');
    // turnFlagOn: the phases turned the flag on, and the audience sees the new variation.
    const envs = (await flagIn(owner, project.key, flag.key)).environments;
    expect([envs.staging.on, envs.staging.fallthrough, envs.production.on, envs.production.fallthrough]).toEqual([
      true,
      { variation: 1 },
      true,
      { variation: 1 },
    ]);
  });

  it('refuses a start where the flag is off, naming the environment; a manual phase waits; runs keep their version', async () => {
    ok(
      await createPlan({
        key: 'manual-prod',
        name: 'Manual production',
        phases: [
          { environmentKey: 'staging', strategy: immediate },
          { environmentKey: 'production', strategy: immediate, trigger: { kind: 'manual' } },
        ],
      }),
    );
    const flag = await twoWay();
    await turnOn(owner, project.key, flag.key, ['staging']);
    const refused = await start(flag, 'manual-prod');
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({
      code: 'release_plan/audience_unaffected',
      detail: expect.stringContaining("the flag is off in 'production'"),
    });
    expect((refused.error as Schemas['ProblemDto']).errors).toEqual([
      expect.objectContaining({ field: 'phases[1] (production)', reason: expect.stringMatching(/^flag_off: /) }),
    ]);
    // Nothing was written: no run, staging untouched.
    expect(
      (
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
          params: { path: flagPath(flag.key) },
        })
      ).error,
    ).toMatchObject({
      code: 'pipeline/no_run',
    });
    expect((await flagIn(owner, project.key, flag.key)).environments.staging.fallthrough).toEqual({ variation: 0 });

    await turnOn(owner, project.key, flag.key, ['production']);
    ok(await start(flag, 'manual-prod'));
    // An edit bumps the plan's version; the run keeps the one it started with.
    const edited = ok(
      await owner.PUT('/api/v1/projects/{projectKey}/release-plans/{key}', {
        params: { path: { ...P(), key: 'manual-prod' } },
        body: { phases: [{ environmentKey: 'staging', strategy: immediate }] },
      }),
    );
    expect(edited.version).toBe(2);
    const waiting = await until(flag, (r) => r.audiences[0].status === 'completed');
    expect(waiting).toMatchObject({ planVersion: 1, status: 'running' });
    expect(waiting.phases).toHaveLength(2);
    expect(waiting.audiences[1].status).toBe('pending');
    const early = await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/phases/{phase}/start', {
      params: { path: { ...flagPath(flag.key), phase: '0' } },
    });
    expect(early.error).toMatchObject({ code: 'release_plan/phase_not_waiting' });
    const nope = await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/phases/{phase}/start', {
      params: { path: { ...flagPath(flag.key), phase: '7' } },
    });
    expect(nope.error).toMatchObject({ code: 'release_plan/no_such_phase' });
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/phases/{phase}/start', {
        params: { path: { ...flagPath(flag.key), phase: '1' } },
      }),
    );
    const done = await until(flag, (r) => r.status === 'completed');
    expect(done.audiences[1]).toMatchObject({
      status: 'completed',
      triggeredBy: expect.stringMatching(/^manual start by /),
    });
    expect((await flagIn(owner, project.key, flag.key)).environments.production.fallthrough).toEqual({ variation: 1 });
  });

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
    ok(await start(flag, 'on-deploy'));
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
    ok(await start(flag, 'on-first-eval'));
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

  it("a guarded rollback in staging pauses production's unstarted phase and notifies; resume retries", async () => {
    ok(
      await createPlan({
        key: 'guarded',
        name: 'Guarded staging, then production',
        phases: [
          {
            environmentKey: 'staging',
            strategy: {
              kind: 'guarded',
              stages: [
                { weight: 50_000, durationMs: 1_000 },
                { weight: 100_000, durationMs: 1_000 },
              ],
              guard: { metrics: ['checkout-error'], onRegression: 'rollback', minSamplePerArm: 200 },
            },
          },
          { environmentKey: 'production', strategy: immediate },
        ],
      }),
    );
    const flag = await twoWay();
    await turnOn(owner, project.key, flag.key, ['staging', 'production']);
    ok(await start(flag, 'guarded'));
    await until(flag, (r) => r.audiences[0].status === 'running');
    await feedGuardEvents(g, await sdkKeyOf(owner, project.key, 'staging'), flag.key, {
      prefix: 'bad',
      perArm: 400,
      errorsOld: 4,
      errorsNew: 120,
    });
    const paused = await until(flag, (r) => r.status === 'paused');
    expect(paused.audiences.map((a) => [a.environmentKey, a.status])).toEqual([
      ['staging', 'rolled_back'],
      ['production', 'pending'],
    ]);
    expect((await flagIn(owner, project.key, flag.key)).environments.production.fallthrough).toEqual({ variation: 0 });
    const hook = await webhook('release_plan.paused', flag);
    expect(hook.data).toMatchObject({ status: 'paused', reason: expect.stringContaining('staging rolled back') });
    // Still paused on later looks: production does not start by itself.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await status(flag)).audiences[1].status).toBe('pending');

    const resumed = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/resume', {
        params: { path: flagPath(flag.key) },
      }),
    );
    expect(resumed.status).toBe('running');
    expect(resumed.audiences[0]).toMatchObject({ status: 'pending', error: expect.stringContaining('retried after') });
    await until(flag, (r) => r.audiences[0].status === 'running');
    const again = await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/resume', {
      params: { path: flagPath(flag.key) },
    });
    expect(again.error).toMatchObject({ code: 'release_plan/not_paused' });
  });

  it('a run with no progress for expireAfterMs expires, with a webhook', async () => {
    ok(
      await createPlan({
        key: 'short-lived',
        name: 'Short-lived',
        expireAfterMs: 2_000,
        phases: [{ environmentKey: 'staging', strategy: immediate, trigger: { kind: 'manual' } }],
      }),
    );
    const flag = await twoWay();
    await turnOn(owner, project.key, flag.key, ['staging']);
    const started = ok(await start(flag, 'short-lived'));
    expect(started.expireAfterMs).toBe(2_000);
    const expired = await until(flag, (r) => r.status === 'expired');
    expect(expired.history.at(-1)?.note).toMatch(/^expired: no progress for 2000 ms/);
    expect(expired.audiences[0].status).toBe('pending');
    const hook = await webhook('release_plan.expired', flag);
    expect(hook.data).toMatchObject({ status: 'expired', flagKey: flag.key });
    // Expired frees the flag for a new run.
    expect((await start(flag, 'short-lived')).response.status).toBe(200);
  });
});
