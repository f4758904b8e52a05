/**
 * Release pipelines: a flag goes through staging (immediate) and then production (staged, behind
 * an approval gate): the run waits for the change request, the approval by another member lets it
 * start the release, and the run completes when the release does. Also abort and bad input.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Project, type Schemas } from '../../support/factories';
import { flagIn, memberWithToken, review } from '../../support/governance';
import { stagingThenProduction, turnOn } from '../../support/release-plans';

type Run = Schemas['PipelineRunDto'];

describe('release pipelines', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let alice: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;

  const phases = stagingThenProduction(1_000, true);

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [alice, bob] = await Promise.all([memberWithToken(g, owner, 'writer'), memberWithToken(g, owner, 'writer')]);
    ok(
      await alice.api.POST('/api/v1/projects/{projectKey}/release-pipelines', {
        params: { path: { projectKey: project.key } },
        body: { key: 'standard', name: 'Standard', phases },
      }),
    );
  });
  afterAll(() => g?.stop());

  const flagPath = (flagKey: string) => ({ projectKey: project.key, flagKey });
  const status = async (flagKey: string) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', { params: { path: flagPath(flagKey) } }),
    );
  const until = (flagKey: string, check: (r: Run) => boolean) =>
    eventually(
      async () => {
        const r = await status(flagKey);
        if (!check(r)) throw new Error(`run is ${r.status}, phase ${r.currentPhase}: ${JSON.stringify(r.audiences)}`);
        return r;
      },
      { timeoutMs: 20_000 },
    );

  it('staging at once, then production behind an approval gate, released in stages', async () => {
    const flag = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const newId = flag.variations[1]._id;
    // A plan refuses to start where users would not see the release (flag off).
    await turnOn(owner, project.key, flag.key, ['staging', 'production']);
    const started = ok(
      await alice.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: flagPath(flag.key) },
        body: { pipelineKey: 'standard', variationId: newId },
      }),
    );
    expect(started).toMatchObject({ status: 'running', currentPhase: 0, pipelineKey: 'standard' });

    const waiting = await until(flag.key, (r) =>
      r.audiences.some((a) => a.environmentKey === 'production' && a.status === 'waiting_approval'),
    );
    expect(waiting.currentPhase).toBe(1);
    expect((await flagIn(owner, project.key, flag.key)).environments.staging.fallthrough).toEqual({ variation: 1 });
    expect((await flagIn(owner, project.key, flag.key)).environments.production.fallthrough).toEqual({ variation: 0 });

    const crId = waiting.audiences.find((a) => a.environmentKey === 'production')!.changeRequestId!;
    // The request is the starter's: alice cannot approve her own release.
    expect((await review(alice.api, crId, 'approve')).error).toMatchObject({ code: 'approval/self_review' });
    ok(await review(bob.api, crId, 'approve', 'go'));
    const done = await until(flag.key, (r) => r.status === 'completed');
    const prod = done.audiences.find((a) => a.environmentKey === 'production')!;
    expect(prod).toMatchObject({ status: 'completed', changeRequestId: crId });
    expect((await flagIn(owner, project.key, flag.key)).environments.production.fallthrough).toEqual({ variation: 1 });
    const release = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { ...flagPath(flag.key), envKey: 'production', id: prod.releaseId! } },
      }),
    );
    expect(release).toMatchObject({ status: 'completed', currentStage: 1 });
  });

  it('abort stops the run before its next phase; bad input', async () => {
    const flag = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const newId = flag.variations[1]._id;
    // A plan refuses to start where users would not see the release (flag off).
    await turnOn(owner, project.key, flag.key, ['staging', 'production']);
    ok(
      await alice.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: flagPath(flag.key) },
        body: { pipelineKey: 'standard', variationId: newId },
      }),
    );
    // Once its first phase has applied too: a second start is told the plan is running.
    await until(flag.key, (r) => r.audiences.some((a) => a.status === 'waiting_approval'));
    const again = await alice.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
      params: { path: flagPath(flag.key) },
      body: { pipelineKey: 'standard', variationId: newId },
    });
    expect(again.error).toMatchObject({ code: 'pipeline/already_running' });
    const aborted = ok(
      await alice.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/abort', {
        params: { path: flagPath(flag.key) },
      }),
    );
    expect(aborted.status).toBe('aborted');
    expect(
      (
        await alice.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/abort', {
          params: { path: flagPath(flag.key) },
        })
      ).error,
    ).toMatchObject({ code: 'pipeline/not_running' });

    const unknownEnv = await alice.api.POST('/api/v1/projects/{projectKey}/release-pipelines', {
      params: { path: { projectKey: project.key } },
      body: {
        key: 'broken',
        name: 'Broken',
        phases: [{ name: 'x', audiences: [{ environmentKey: 'nowhere', strategy: { kind: 'immediate' } }] }],
      },
    });
    expect(unknownEnv.error).toMatchObject({ code: 'pipeline/invalid_phases' });
    const badStages = await alice.api.POST('/api/v1/projects/{projectKey}/release-pipelines', {
      params: { path: { projectKey: project.key } },
      body: {
        key: 'broken',
        name: 'Broken',
        phases: [
          {
            name: 'x',
            audiences: [
              {
                environmentKey: 'staging',
                strategy: { kind: 'staged', stages: [{ weight: 50_000, durationMs: 1_000 }] },
              },
            ],
          },
        ],
      },
    });
    expect(badStages.error).toMatchObject({ code: 'pipeline/invalid_phases' });
    const missing = await alice.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
      params: { path: flagPath(flag.key) },
      body: { pipelineKey: 'nope', variationId: newId },
    });
    expect(missing.error).toMatchObject({ code: 'pipeline/not_found' });

    // Production is gated: without requireApproval there, only someone allowed to bypass may start it.
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
        params: { path: { projectKey: project.key } },
        body: {
          key: 'ungated',
          name: 'Ungated',
          phases: [{ name: 'prod', audiences: [{ environmentKey: 'production', strategy: { kind: 'immediate' } }] }],
        },
      }),
    );
    const other = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    await turnOn(owner, project.key, other.key, ['production']);
    const refused = await alice.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
      params: { path: flagPath(other.key) },
      body: { pipelineKey: 'ungated', variationId: other.variations[1]._id },
    });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'approval/required' });
  });
});
