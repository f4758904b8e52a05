/**
 * Jobs in hand beyond the database pool: a worker with 16 jobs in hand per queue and 4 connections.
 * A job that held one connection and waited for another starved the others (and the API) until
 * they gave up, so:
 * - a release plan's look (PipelineRunner) runs its immediate phase's checks and write in its own
 *   transaction, and at most half the pool's connections are held by looks: every run gets
 *   through, and a refused write fails its phase with nothing of it left on the flag;
 * - a guarded release step (ReleaseStepper) reads the flag, the guard's metrics and its arms in its
 *   own transaction: every release is judged however many steps fall due at once.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { flagIn } from '../../support/governance';
import { flagReleases, stagingThenProduction, turnOn } from '../../support/release-plans';

type Release = Schemas['ReleaseDto'];

describe('jobs in hand beyond the pool', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    g = await startGantry({ role: 'all', env: { GANTRY_WORKER_CONCURRENCY: '16', DATABASE_POOL_SIZE: '4' } });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'production'] });
    await factory.metric(owner, project.key);
  });
  afterAll(() => g?.stop());

  const pipeline = (key: string, phases: Schemas['PhaseDto'][]) =>
    owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
      params: { path: { projectKey: project.key } },
      body: { key, name: key, phases },
    });
  const { twoWay, start, until } = flagReleases(() => ({ api: owner, projectKey: project.key }));
  const releasePath = (flag: Flag) => ({ projectKey: project.key, flagKey: flag.key, envKey: 'production' });
  const get = async (flag: Flag, id: string): Promise<Release> =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { ...releasePath(flag), id } },
      }),
    );

  it('advances every run when more looks are due than the pool has connections', async () => {
    ok(await pipeline('two-step', stagingThenProduction(600_000)));
    const flags = await Promise.all(Array.from({ length: 24 }, () => twoWay()));
    await Promise.all(flags.map((f) => turnOn(owner, project.key, f.key, ['staging', 'production'])));
    await Promise.all(flags.map(async (f) => ok(await start(f, { pipelineKey: 'two-step' }))));
    const runs = await Promise.all(
      flags.map((f) =>
        until(f, (r) => r.audiences.some((a) => a.environmentKey === 'production' && a.releaseId), 60_000),
      ),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.audiences.map((a) => [a.environmentKey, a.status])).toEqual([
        ['staging', 'completed'],
        ['production', 'running'],
      ]);
      const flag = await flagIn(owner, project.key, flags[i].key);
      expect(flag.environments.staging.fallthrough).toEqual({ variation: 1 });
    }
  });

  it('fails an immediate phase whose write is refused, and leaves the flag as it was', async () => {
    ok(
      await owner.PUT('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: project.key, key: 'small-steps' } },
        body: {
          name: 'small steps',
          environmentKeys: ['staging'],
          rules: [{ kind: 'maxRolloutIncrease', effect: 'block', thousandths: 10_000 }],
        },
      }),
    );
    ok(
      await pipeline('at-once', [
        { name: 'test', audiences: [{ environmentKey: 'staging', strategy: { kind: 'immediate' } }] },
      ]),
    );
    const flag = await twoWay();
    await turnOn(owner, project.key, flag.key, ['staging']);
    const before = await flagIn(owner, project.key, flag.key);
    ok(await start(flag, { pipelineKey: 'at-once' }));
    const run = await until(flag, (r) => r.status === 'failed', 60_000);
    expect(run.audiences[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^guardrail\/violation/) });
    const after = await flagIn(owner, project.key, flag.key);
    expect(after.environments.staging).toEqual(before.environments.staging);
  });

  it('judges every release when more guarded steps are due than the pool has connections', async () => {
    const flags = await Promise.all(Array.from({ length: 20 }, () => twoWay()));
    // No events arrive: each guard check finds too little data and holds its release at stage 0,
    // to be checked again; stages of a second put every release's checks due together.
    const releases = await Promise.all(
      flags.map(async (flag) =>
        ok(
          await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
            params: { path: releasePath(flag) },
            body: {
              toVariationId: flag.variations[1]._id,
              stages: [
                { weight: 50_000, durationMs: 1_000 },
                { weight: 100_000, durationMs: 1_000 },
              ],
              guard: { metrics: ['checkout-error'], minSamplePerArm: 100 },
            },
          }),
        ),
      ),
    );
    const judged = await Promise.all(
      releases.map((release, i) =>
        eventually(
          async () => {
            const r = await get(flags[i], release.id);
            if (r.guardResult?.outcome !== 'insufficient_data') throw new Error(`release ${r.id} not judged yet`);
            return r;
          },
          { timeoutMs: 30_000 },
        ),
      ),
    );
    for (const r of judged) expect(r).toMatchObject({ status: 'running', currentStage: 0 });
  });
});
