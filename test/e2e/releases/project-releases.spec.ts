/**
 * GET /api/v1/projects/{projectKey}/releases: every release of a project, newest first, filtered by
 * flag, environment and state, a page at a time by cursor. And a guarded release read alone carries
 * its guard's checks over time (`guardChecks`), made from real SDK events sent through /bulk and
 * judged by the worker: a wait for data first, then the regression that rolled it back.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { feedGuardEvents } from '../../support/guard-events';

type Release = Schemas['ReleaseDto'];
type ActionPath = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/pause';

describe('project releases', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  const ids: Record<'guarded' | 'running' | 'paused' | 'rolledBack', string> = {} as never;
  let flags: Flag[];

  const releasePath = (flag: Flag, envKey: string) => ({ projectKey: project.key, flagKey: flag.key, envKey });
  const start = async (flag: Flag, envKey: string, body: Partial<Schemas['StartReleaseDto']> = {}) =>
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
        params: { path: releasePath(flag, envKey) },
        body: { toVariationId: flag.variations[1]._id, stages: [{ weight: 100_000, durationMs: 600_000 }], ...body },
      }),
    );
  const act = async (flag: Flag, envKey: string, id: string, verb: 'pause' | 'rollback') =>
    ok(
      await owner.POST(
        `/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/${verb}` as ActionPath,
        { params: { path: { ...releasePath(flag, envKey), id } } },
      ),
    );
  const getOne = async (flag: Flag, envKey: string, id: string) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { ...releasePath(flag, envKey), id } },
      }),
    );
  const list = (query: {
    flag?: string;
    environment?: string;
    state?: Release['status'];
    limit?: number;
    cursor?: string;
  }) => owner.GET('/api/v1/projects/{projectKey}/releases', { params: { path: { projectKey: project.key }, query } });

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'production'] });
    await factory.metric(owner, project.key);
    flags = [];
    for (let i = 0; i < 3; i++)
      flags.push(
        await factory.flag(owner, project.key, {
          variations: ['old', 'new'],
          defaults: { onVariation: 0, offVariation: 0 },
        }),
      );
    const [f1, f2, f3] = flags;
    ids.guarded = (
      await start(f1, 'staging', {
        stages: [
          { weight: 50_000, durationMs: 1_000 },
          { weight: 100_000, durationMs: 1_000 },
        ],
        guard: { metrics: ['checkout-error'], onRegression: 'rollback', minSamplePerArm: 200 },
      })
    ).id;
    ids.running = (await start(f2, 'staging')).id;
    ids.paused = (await start(f2, 'production')).id;
    await eventually(async () => expect((await getOne(f2, 'production', ids.paused)).currentStage).toBe(0));
    await act(f2, 'production', ids.paused, 'pause');
    ids.rolledBack = (await start(f3, 'production')).id;
    await eventually(async () => expect((await getOne(f3, 'production', ids.rolledBack)).currentStage).toBe(0));
    await act(f3, 'production', ids.rolledBack, 'rollback');
  });
  afterAll(() => g?.stop());

  it('lists every release of the project, newest first', async () => {
    const page = ok(await list({}));
    expect(page.items.map((r) => r.id)).toEqual([ids.rolledBack, ids.paused, ids.running, ids.guarded]);
    expect(page.next).toBeNull();
    expect(page.items[0]).toMatchObject({ flagKey: flags[2].key, environmentKey: 'production', status: 'rolled_back' });
    // The list stays light: the guard's series is on the read of one release.
    expect(page.items.every((r) => r.guardChecks === undefined)).toBe(true);
  });

  it('filters by flag, environment and state, alone and together', async () => {
    const idsOf = async (q: Parameters<typeof list>[0]) => ok(await list(q)).items.map((r) => r.id);
    await expect(idsOf({ flag: flags[1].key })).resolves.toEqual([ids.paused, ids.running]);
    await expect(idsOf({ environment: 'production' })).resolves.toEqual([ids.rolledBack, ids.paused]);
    await expect(idsOf({ state: 'paused' })).resolves.toEqual([ids.paused]);
    await expect(idsOf({ state: 'rolled_back', environment: 'production' })).resolves.toEqual([ids.rolledBack]);
    await expect(idsOf({ flag: flags[1].key, environment: 'staging' })).resolves.toEqual([ids.running]);
    await expect(idsOf({ flag: 'no-such-flag' })).resolves.toEqual([]);
  });

  it('pages by cursor without gaps or repeats', async () => {
    const first = ok(await list({ limit: 3 }));
    expect(first.items).toHaveLength(3);
    expect(first.next).toEqual(expect.any(String));
    const second = ok(await list({ limit: 3, cursor: first.next! }));
    expect(second.items.map((r) => r.id)).toEqual([ids.guarded]);
    expect(second.next).toBeNull();
    const pairs = ok(await list({ limit: 2, environment: 'staging' }));
    expect(pairs.items.map((r) => r.id)).toEqual([ids.running, ids.guarded]);
    expect(pairs.next).toBeNull();
  });

  it('refuses a bad cursor, state or environment with the catalogue codes', async () => {
    const badCursor = await list({ cursor: 'not-a-cursor' });
    expect(badCursor.response.status).toBe(400);
    expect(badCursor.error).toMatchObject({ code: 'release/invalid_cursor' });
    const badState = await g.raw('GET', `/api/v1/projects/${project.key}/releases?state=exploded`, {
      token: g.ownerToken,
    });
    expect(badState.status).toBe(400);
    expect(badState.body).toMatchObject({ code: 'request/invalid' });
    const noEnv = await list({ environment: 'nowhere' });
    expect(noEnv.response.status).toBe(404);
    expect(noEnv.error).toMatchObject({ code: 'environment/not_found' });
    const noProject = await owner.GET('/api/v1/projects/{projectKey}/releases', {
      params: { path: { projectKey: 'no-such-project' } },
    });
    expect(noProject.error).toMatchObject({ code: 'project/not_found' });
  });

  it("gives a guarded release its guard's checks: a wait for data, then the regression that rolled it back", async () => {
    const [f1] = flags;
    const sdkKey = await sdkKeyOf(owner, project.key, 'staging');
    await eventually(async () => expect((await getOne(f1, 'staging', ids.guarded)).currentStage).toBe(0));
    await feedGuardEvents(g, sdkKey, f1.key, { prefix: 'few', perArm: 20, errorsOld: 0, errorsNew: 0 });
    await eventually(
      async () => {
        const r = await getOne(f1, 'staging', ids.guarded);
        expect(r.guardChecks?.some((c) => c.metrics[0].control.sampleSize === 20)).toBe(true);
      },
      { timeoutMs: 20_000 },
    );
    await feedGuardEvents(g, sdkKey, f1.key, { prefix: 'bad', perArm: 400, errorsOld: 4, errorsNew: 120 });
    const done = await eventually(
      async () => {
        const r = await getOne(f1, 'staging', ids.guarded);
        expect(r.status).toBe('rolled_back');
        return r;
      },
      { timeoutMs: 20_000 },
    );
    const checks = done.guardChecks!;
    // A wait on unchanged data is kept once, so every check here says something new.
    const waits = checks.filter((c) => c.decision === 'continue');
    const sizes = waits.map((c) => c.metrics[0].control.sampleSize);
    expect(new Set(sizes).size).toBe(sizes.length);
    expect(waits.find((c) => c.metrics[0].control.sampleSize === 20)).toMatchObject({
      stage: 0,
      outcome: 'insufficient_data',
      metrics: [
        {
          metric: 'checkout-error',
          verdict: 'insufficient_data',
          control: { value: null, sampleSize: 20 },
          treatment: { value: null, sampleSize: 20 },
          ciLower: null,
        },
      ],
    });
    const last = checks[checks.length - 1];
    expect(last).toMatchObject({ stage: 0, outcome: 'regression', decision: 'rollback' });
    const m = last.metrics[0];
    expect(m).toMatchObject({ verdict: 'regression', control: { sampleSize: 420 }, treatment: { sampleSize: 420 } });
    expect(m.control.value).toBeCloseTo(4 / 420, 10);
    expect(m.treatment.value).toBeCloseTo(120 / 420, 10);
    expect(m.ciLower!).toBeLessThan(m.difference!);
    expect(m.ciUpper!).toBeGreaterThan(m.difference!);
    expect(m.treatmentLower).toBeCloseTo(m.control.value! + m.ciLower!, 10);
    // Oldest first, and each check written by the step that made it: the last one is the release's guardResult.
    expect(checks.map((c) => c.at)).toEqual([...checks.map((c) => c.at)].sort());
    expect(last.at).toBe((done.guardResult as { at: string }).at);
    const rows = await g.sql<{ n: string }>(
      'SELECT count(*)::text AS n FROM "ReleaseGuardCheck" WHERE "releaseId" = $1',
      [ids.guarded],
    );
    expect(Number(rows[0].n)).toBe(checks.length);
  });

  it('a staged release has no guard series', async () => {
    const r = await getOne(flags[1], 'staging', ids.running);
    expect(r.guard).toBeNull();
    expect(r.guardChecks).toBeUndefined();
  });
});
