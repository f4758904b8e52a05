/**
 * Guarded releases fed synthetic SDK events through POST /bulk (feature events say which variation
 * each context saw, custom events carry the metric): a clearly worse error rate on the new
 * variation rolls the release back, with the statistics in the audit entry; an equal one lets it
 * advance; too few events never advance a stage. Also metric definitions and bad input.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { flagIn } from '../../support/governance';

type Release = Schemas['ReleaseDto'];

describe('guarded releases', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let sdkKey: string;

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging'] });
    sdkKey = await sdkKeyOf(owner, project.key, 'staging');
    await factory.metric(owner, project.key);
  });
  afterAll(() => g?.stop());

  const twoWayFlag = () =>
    factory.flag(owner, project.key, { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } });
  const path = (flag: Flag) => ({ projectKey: project.key, flagKey: flag.key, envKey: 'staging' });
  const get = async (flag: Flag, id: string) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { ...path(flag), id } },
      }),
    );
  const start = (flag: Flag, minSamplePerArm = 200, weights = [50_000, 100_000]) =>
    owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: path(flag) },
      body: {
        toVariationId: flag.variations[1]._id,
        stages: weights.map((weight) => ({ weight, durationMs: 1_000 })),
        guard: { metrics: ['checkout-error'], onRegression: 'rollback', minSamplePerArm },
      },
    });

  /** `perArm` contexts saw each variation; `errorsOld`/`errorsNew` of them sent the error event. */
  async function feed(flag: Flag, prefix: string, perArm: number, errorsOld: number, errorsNew: number) {
    const now = Date.now();
    const events: unknown[] = [];
    for (const [variation, errors] of [
      [0, errorsOld],
      [1, errorsNew],
    ] as const) {
      for (let i = 0; i < perArm; i++) {
        const context = { kind: 'user', key: `${prefix}-${variation}-${i}` };
        events.push({
          kind: 'feature',
          key: flag.key,
          variation,
          value: variation === 0 ? 'old' : 'new',
          context,
          creationDate: now,
        });
        if (i < errors) events.push({ kind: 'custom', key: 'checkout-error', context, creationDate: now });
      }
    }
    const res = await g.raw('POST', '/bulk', {
      headers: { authorization: sdkKey, 'content-type': 'application/json' },
      body: events,
    });
    expect(res.status).toBe(202);
  }

  const until = (flag: Flag, id: string, check: (r: Release) => boolean) =>
    eventually(
      async () => {
        const r = await get(flag, id);
        if (!check(r)) throw new Error(`release is ${r.status} at stage ${r.currentStage}`);
        return r;
      },
      { timeoutMs: 20_000 },
    );

  it("rolls back when the new variation's error rate is clearly worse, with the statistics audited and tracking off again", async () => {
    const flag = await twoWayFlag();
    const release = ok(await start(flag));
    await until(flag, release.id, (r) => r.currentStage === 0);
    await feed(flag, 'bad', 400, 4, 120); // 1 % against 30 %
    const rolledBack = await until(flag, release.id, (r) => r.status === 'rolled_back');
    expect(rolledBack.currentStage).toBe(0);
    expect(rolledBack.guardResult).toMatchObject({
      outcome: 'regression',
      metrics: [
        {
          metric: 'checkout-error',
          result: { verdict: 'regression', nControl: 400, nTreatment: 400, controlMean: 0.01, treatmentMean: 0.3 },
        },
      ],
    });
    // The serving and the event tracking the release turned on are as before it.
    expect((await flagIn(owner, project.key, flag.key)).environments.staging).toMatchObject({
      fallthrough: { variation: 0 },
      trackEventsFallthrough: false,
    });
    const audit = ok(
      await owner.GET('/api/v1/audit-log', {
        params: { query: { action: 'guardRelease', resource: `proj/${project.key}:env/staging:flag/${flag.key}` } },
      }),
    ).items;
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({ status: 'rolled_back', guard: { outcome: 'regression' } });
  });

  it('judges each partial stage on the contexts exposed since that stage began', async () => {
    const flag = await twoWayFlag();
    const release = ok(await start(flag, 100, [10_000, 50_000, 100_000]));
    await until(flag, release.id, (r) => r.currentStage === 0);
    await feed(flag, 'early', 300, 3, 3); // stage 1: no difference
    await until(flag, release.id, (r) => r.currentStage === 1);
    await feed(flag, 'late', 150, 2, 60); // stage 2: 1.3 % against 40 %
    const rolledBack = await until(flag, release.id, (r) => r.status === 'rolled_back');
    expect(rolledBack.currentStage).toBe(1);
    // Only stage 2's contexts count (150 per arm), not the 300 per arm of stage 1.
    expect(rolledBack.guardResult).toMatchObject({
      outcome: 'regression',
      metrics: [{ metric: 'checkout-error', result: { verdict: 'regression', nControl: 150, nTreatment: 150 } }],
    });
  });

  it('advances when the new variation is not worse', async () => {
    const flag = await twoWayFlag();
    const release = ok(await start(flag));
    await until(flag, release.id, (r) => r.currentStage === 0);
    await feed(flag, 'same', 400, 8, 8);
    const done = await until(flag, release.id, (r) => r.status === 'completed');
    expect(done.guardResult).toMatchObject({ outcome: 'ok' });
    // The first step also made SDKs send per-context feature events for the fallthrough.
    expect((await flagIn(owner, project.key, flag.key)).environments.staging).toMatchObject({
      fallthrough: { variation: 1 },
      trackEventsFallthrough: true,
    });
  });

  it('too few events never advance a stage: it holds, then goes on once there is enough data', async () => {
    const flag = await twoWayFlag();
    const release = ok(await start(flag, 100));
    await until(flag, release.id, (r) => r.currentStage === 0);
    await feed(flag, 'few', 20, 0, 0);
    // The stage lasts 1 s; well past it, the release is still at stage 0 for lack of data.
    const held = await until(
      flag,
      release.id,
      (r) => (r.guardResult as { outcome?: string } | null)?.outcome === 'insufficient_data',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await get(flag, release.id)).toMatchObject({ status: 'running', currentStage: 0 });
    expect(held.history.some((h) => String((h as { note: string }).note).includes('not enough data'))).toBe(true);
    await feed(flag, 'more', 150, 1, 1);
    await until(flag, release.id, (r) => r.currentStage === 1);
  });

  it('bad input: unknown metric, bad guard settings, bad metric definitions', async () => {
    const flag = await twoWayFlag();
    const unknown = await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: path(flag) },
      body: {
        toVariationId: flag.variations[1]._id,
        stages: [{ weight: 100_000, durationMs: 1_000 }],
        guard: { metrics: ['nope'] },
      },
    });
    expect(unknown.response.status).toBe(400);
    expect(unknown.error).toMatchObject({ code: 'release/unknown_metric' });
    const badAlpha = await g.raw(
      'POST',
      `/api/v1/projects/${project.key}/flags/${flag.key}/environments/staging/releases`,
      {
        token: g.ownerToken,
        body: {
          toVariationId: flag.variations[1]._id,
          stages: [{ weight: 100_000, durationMs: 1_000 }],
          guard: { metrics: ['checkout-error'], alpha: 2 },
        },
      },
    );
    expect(badAlpha.status).toBe(400);
    const metrics = `/api/v1/projects/${project.key}/metrics`;
    expect(
      (
        await g.raw('POST', metrics, {
          token: g.ownerToken,
          body: { key: 'x', name: 'x', kind: 'ratio', direction: 'lower_is_better', threshold: 0.1 },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await g.raw('POST', metrics, {
          token: g.ownerToken,
          body: { key: 'x', name: 'x', kind: 'count', direction: 'lower_is_better', threshold: -1 },
        })
      ).status,
    ).toBe(400);
    const dup = await g.raw('POST', metrics, {
      token: g.ownerToken,
      body: { key: 'checkout-error', name: 'again', kind: 'count', direction: 'lower_is_better', threshold: 0.1 },
    });
    expect(dup.body).toMatchObject({ code: 'metric/already_exists' });
    expect((await g.raw('GET', `${metrics}/missing`, { token: g.ownerToken })).body).toMatchObject({
      code: 'metric/not_found',
    });
  });
});
