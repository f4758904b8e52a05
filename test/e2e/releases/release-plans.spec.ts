/**
 * Release plans on the real app (PostgreSQL, Redis, worker): a tag default attaches to a new flag
 * and starts without set-up; a versioned plan keeps its run on the version it started with; a start
 * where the audience would not see the change (flag off) is refused naming the environment, unless
 * the phase turns the flag on; a manual phase waits for its start; a guarded rollback in staging
 * pauses production's phase and notifies, and resume retries; a run with no progress expires with a
 * webhook. Bad plan bodies are refused naming the field. Deploy and first-evaluation triggers:
 * release-plan-triggers.spec.ts.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { flagIn } from '../../support/governance';
import { feedGuardEvents } from '../../support/guard-events';
import { flagReleases, immediate, turnOn, type Run } from '../../support/release-plans';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

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
  const { createPlan, twoWay, start, status, until } = flagReleases(() => ({ api: owner, projectKey: project.key }));
  const webhook = (event: string, flag: Flag) =>
    eventually(() => {
      const got = receiver.received
        .map((r) => JSON.parse(r.body) as { event: string; data: Run & { reason?: string } })
        .find((e) => e.event === event && e.data.flagKey === flag.key);
      if (!got) throw new Error(`no ${event} for ${flag.key} yet`);
      return got;
    });

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
    const refused = await start(flag, { planKey: 'manual-prod' });
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
    ok(await start(flag, { planKey: 'manual-prod' }));
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
    ok(await start(flag, { planKey: 'guarded' }));
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
    const started = ok(await start(flag, { planKey: 'short-lived' }));
    expect(started.expireAfterMs).toBe(2_000);
    const expired = await until(flag, (r) => r.status === 'expired');
    expect(expired.history.at(-1)?.note).toMatch(/^expired: no progress for 2000 ms/);
    expect(expired.audiences[0].status).toBe('pending');
    const hook = await webhook('release_plan.expired', flag);
    expect(hook.data).toMatchObject({ status: 'expired', flagKey: flag.key });
    // Expired frees the flag for a new run.
    expect((await start(flag, { planKey: 'short-lived' })).response.status).toBe(200);
  });
});
