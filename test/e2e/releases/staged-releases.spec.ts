/**
 * Staged releases: the worker walks the stages (one write each), pause keeps the stage and its time
 * left, resume continues, rollback restores the exact previous serving; a worker killed mid-release
 * and restarted resumes at the right stage without skipping or repeating a step; bad input.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { flagIn, memberWithToken } from '../../support/governance';

type Release = Schemas['ReleaseDto'];
type Stage = Schemas['StageDto'];
/** pause, resume and rollback take the same parameters; the client's types are taken from one of them. */
type ReleaseActionPath = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/pause';

function releases(api: ApiClient, projectKey: string, flagKey: string, envKey: string) {
  const path = { projectKey, flagKey, envKey };
  return {
    start: (body: { toVariationId: string; stages: Stage[]; ruleId?: string }) =>
      api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
        params: { path },
        body,
      }),
    get: async (id: string) =>
      ok(
        await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
          params: { path: { ...path, id } },
        }),
      ),
    act: (id: string, verb: 'pause' | 'resume' | 'rollback') =>
      api.POST(
        `/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/${verb}` as ReleaseActionPath,
        { params: { path: { ...path, id } } },
      ),
  };
}

const waitFor = (get: () => Promise<Release>, check: (r: Release) => boolean, timeoutMs = 15_000) =>
  eventually(
    async () => {
      const r = await get();
      if (!check(r)) throw new Error(`release is ${r.status} at stage ${r.currentStage}`);
      return r;
    },
    { timeoutMs },
  );

describe('staged releases', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  /** 'old' served by the fallthrough, releasing 'new'. */
  const twoWayFlag = () =>
    factory.flag(owner, project.key, { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } });
  const fallthroughOf = async (flag: Flag) =>
    (await flagIn(owner, project.key, flag.key)).environments.staging.fallthrough;

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
  });
  afterAll(() => g?.stop());

  it('walks its stages, one write each, and completes after holding the last one', async () => {
    const flag = await twoWayFlag();
    const newId = flag.variations[1]._id;
    const r = releases(owner, project.key, flag.key, 'staging');
    const started = ok(
      await r.start({
        toVariationId: newId,
        stages: [
          { weight: 25_000, durationMs: 1_000 },
          { weight: 50_000, durationMs: 1_000 },
          { weight: 100_000, durationMs: 1_000 },
        ],
      }),
    );
    expect(started).toMatchObject({ status: 'running', currentStage: -1, baselineVersion: 1 });

    await waitFor(
      () => r.get(started.id),
      (x) => x.currentStage >= 0,
    );
    const completed = await waitFor(
      () => r.get(started.id),
      (x) => x.status === 'completed',
    );
    expect(completed.currentWeight).toBe(100_000);
    expect(await fallthroughOf(flag)).toEqual({ variation: 1 });
    // Version 1 at creation, then exactly one write per stage.
    const versions = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path: { projectKey: project.key, flagKey: flag.key, envKey: 'staging' }, query: {} },
      }),
    );
    const byVersion = new Map(versions.items.map((v) => [v.version, v.environment.fallthrough]));
    expect(versions.items.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
    expect(byVersion.get(2)).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 75_000 },
          { variation: 1, weight: 25_000 },
        ],
      },
    });
    expect(byVersion.get(3)).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 50_000 },
          { variation: 1, weight: 50_000 },
        ],
      },
    });
    expect(byVersion.get(4)).toEqual({ variation: 1 });
  });

  it('pause keeps the stage and its time left, resume continues, rollback restores the exact previous serving', async () => {
    const flag = await twoWayFlag();
    const r = releases(owner, project.key, flag.key, 'staging');
    const started = ok(
      await r.start({
        toVariationId: flag.variations[1]._id,
        stages: [
          { weight: 10_000, durationMs: 60_000 },
          { weight: 100_000, durationMs: 60_000 },
        ],
      }),
    );
    await waitFor(
      () => r.get(started.id),
      (x) => x.currentStage === 0,
    );

    const paused = ok(await r.act(started.id, 'pause'));
    expect(paused).toMatchObject({ status: 'paused', currentStage: 0, nextStepAt: null });
    expect(paused.remainingMs).toBeGreaterThan(50_000);
    expect((await r.act(started.id, 'pause')).error).toMatchObject({ code: 'release/invalid_state' });

    const resumed = ok(await r.act(started.id, 'resume'));
    expect(resumed).toMatchObject({ status: 'running', currentStage: 0, remainingMs: null });
    expect(new Date(resumed.nextStepAt!).getTime() - Date.now()).toBeGreaterThan(40_000);

    const rolledBack = ok(await r.act(started.id, 'rollback'));
    expect(rolledBack).toMatchObject({ status: 'rolled_back', currentWeight: 0 });
    expect(await fallthroughOf(flag)).toEqual({ variation: 0 });
    // Finished: another release of the same flag may start.
    expect(
      (await r.start({ toVariationId: flag.variations[1]._id, stages: [{ weight: 100_000, durationMs: 60_000 }] }))
        .response.status,
    ).toBe(201);
  });

  it(
    'bad input: stages not ending at 100000, durations out of range, unknown variation, archived flag, ' +
      'a second concurrent release, a writer in a gated environment',
    async () => {
      const flag = await twoWayFlag();
      const newId = flag.variations[1]._id;
      const r = releases(owner, project.key, flag.key, 'staging');
      expect(
        (await r.start({ toVariationId: newId, stages: [{ weight: 50_000, durationMs: 1_000 }] })).error,
      ).toMatchObject({ code: 'release/invalid_stages' });
      expect(
        (
          await r.start({
            toVariationId: newId,
            stages: [
              { weight: 50_000, durationMs: 1_000 },
              { weight: 40_000, durationMs: 1_000 },
              { weight: 100_000, durationMs: 1_000 },
            ],
          })
        ).error,
      ).toMatchObject({ code: 'release/invalid_stages' });
      expect(
        (await r.start({ toVariationId: newId, stages: [{ weight: 100_000, durationMs: 999 }] })).error,
      ).toMatchObject({ code: 'release/invalid_stages' });
      expect(
        (await r.start({ toVariationId: newId, stages: [{ weight: 100_000, durationMs: 31 * 24 * 3600 * 1000 }] }))
          .error,
      ).toMatchObject({ code: 'release/invalid_stages' });
      expect(
        (await r.start({ toVariationId: 'nope', stages: [{ weight: 100_000, durationMs: 1_000 }] })).error,
      ).toMatchObject({ code: 'patch/invalid_instruction' });
      expect(
        (await r.start({ toVariationId: flag.variations[0]._id, stages: [{ weight: 100_000, durationMs: 1_000 }] }))
          .error,
      ).toMatchObject({ code: 'release/no_change' });

      const both = await Promise.all(
        [1, 2].map(() =>
          r.start({
            toVariationId: newId,
            stages: [
              { weight: 50_000, durationMs: 60_000 },
              { weight: 100_000, durationMs: 60_000 },
            ],
          }),
        ),
      );
      expect(both.map((b) => b.response.status).sort()).toEqual([201, 409]);
      expect(both.find((b) => b.response.status === 409)!.error).toMatchObject({ code: 'release/already_active' });

      const archived = await twoWayFlag();
      // Archiving touches production too (critical): the owner breaks glass, with a reason.
      await factory.patchFlag(
        owner,
        project.key,
        archived.key,
        { instructions: [{ kind: 'archiveFlag' }] },
        { bypassReason: 'set-up: an archived flag' },
      );
      const onArchived = await releases(owner, project.key, archived.key, 'staging').start({
        toVariationId: archived.variations[1]._id,
        stages: [{ weight: 100_000, durationMs: 1_000 }],
      });
      expect(onArchived.response.status).toBe(409);
      expect(onArchived.error).toMatchObject({ code: 'flag/archived' });

      const writer = await memberWithToken(g, owner, 'writer');
      const gated = await releases(writer.api, project.key, flag.key, 'production').start({
        toVariationId: newId,
        stages: [{ weight: 100_000, durationMs: 1_000 }],
      });
      expect(gated.error).toMatchObject({ code: 'approval/required' });
    },
  );
});

describe('staged releases across a worker crash', () => {
  let g: Gantry;
  let owner: ApiClient;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
  });
  afterAll(() => g?.stop());

  it('a worker killed mid-release is replaced and the release goes on from its stage, no step skipped or repeated', async () => {
    const project = await factory.project(owner, { environments: ['staging'] });
    const flag = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const r = releases(owner, project.key, flag.key, 'staging');
    const stages = [20_000, 40_000, 60_000, 80_000, 100_000].map((weight) => ({ weight, durationMs: 1_000 }));
    const first = await startSecondNode(g, { role: 'worker' });
    const started = ok(await r.start({ toVariationId: flag.variations[1]._id, stages }));
    await waitFor(
      () => r.get(started.id),
      (x) => x.currentStage >= 1,
    );
    await first.kill();
    const atKill = await r.get(started.id);
    expect(atKill.status).toBe('running');

    const second = await startSecondNode(g, { role: 'worker' });
    try {
      const done = await waitFor(
        () => r.get(started.id),
        (x) => x.status === 'completed',
        20_000,
      );
      const stagesSeen = done.history
        .map((h) => h as { stage: number; status: string })
        .filter((h) => h.status === 'running')
        .map((h) => h.stage);
      expect(stagesSeen).toEqual([-1, 0, 1, 2, 3, 4]);
    } finally {
      await second.stop();
    }
    const versions = (
      await g.sql(
        `SELECT fv.version FROM "FlagVersion" fv
         JOIN "FlagEnvironment" fe ON fe.id = fv."flagEnvironmentId"
         JOIN "Flag" f ON f.id = fe."flagId"
         WHERE f.key = $1`,
        [flag.key],
      )
    ).map((x) => x.version as number);
    expect(versions.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
