/**
 * A release plan's look on a worker with more jobs in hand than database connections
 * (PipelineRunner): every run still gets through its phases, since a look that opens a
 * transaction of its own (a release start) always gets its second connection. And an immediate
 * phase's write runs in the look's transaction: a refused write fails its phase, with nothing of it
 * left on the flag.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Project, type Schemas } from '../../support/factories';
import { flagIn } from '../../support/governance';
import { flagReleases, turnOn } from '../../support/release-plans';

describe('release plan looks', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    // 16 jobs in hand per queue on 4 connections: unbounded, 4 looks would hold every connection
    // and wait for a second one until they gave up.
    g = await startGantry({ role: 'all', env: { GANTRY_WORKER_CONCURRENCY: '16', DATABASE_POOL_SIZE: '4' } });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'production'] });
  });
  afterAll(() => g?.stop());

  const pipeline = (key: string, phases: Schemas['PhaseDto'][]) =>
    owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
      params: { path: { projectKey: project.key } },
      body: { key, name: key, phases },
    });
  const { twoWay, start, until } = flagReleases(() => ({ api: owner, projectKey: project.key }));

  it('advances every run when more looks are due than the pool has connections', async () => {
    ok(
      await pipeline('two-step', [
        { name: 'test', audiences: [{ environmentKey: 'staging', strategy: { kind: 'immediate' } }] },
        {
          name: 'prod',
          audiences: [
            {
              environmentKey: 'production',
              strategy: {
                kind: 'staged',
                stages: [
                  { weight: 50_000, durationMs: 600_000 },
                  { weight: 100_000, durationMs: 600_000 },
                ],
              },
            },
          ],
        },
      ]),
    );
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
});
