/**
 * Guarded release steps on a worker with more jobs in hand than database connections: a guarded
 * step reads the flag, the guard's metrics and its two arms under its release's lock, in its own
 * transaction (ReleaseStepper), so every release is judged however many steps fall due at once.
 * Read on the pool instead, each step held one connection and waited for another: with 16 in hand
 * on 4 connections they starved each other, and the API with them.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';

type Release = Schemas['ReleaseDto'];

describe('guarded release steps on a small pool', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    g = await startGantry({ role: 'all', env: { GANTRY_WORKER_CONCURRENCY: '16', DATABASE_POOL_SIZE: '4' } });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging'] });
    await factory.metric(owner, project.key);
  });
  afterAll(() => g?.stop());

  const path = (flag: Flag) => ({ projectKey: project.key, flagKey: flag.key, envKey: 'staging' });
  const get = async (flag: Flag, id: string): Promise<Release> =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { ...path(flag), id } },
      }),
    );

  it('judges every release when more guarded steps are due than the pool has connections', async () => {
    const flags = await Promise.all(
      Array.from({ length: 20 }, () =>
        factory.flag(owner, project.key, { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } }),
      ),
    );
    // No events arrive: each guard check finds too little data and holds its release at stage 0,
    // to be checked again; stages of a second put every release's checks due together.
    const releases = await Promise.all(
      flags.map(async (flag) =>
        ok(
          await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
            params: { path: path(flag) },
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
