/**
 * A release plan's look opens a phase's change request or starts its release in a transaction of
 * its own, then records it in the run's state in the look's transaction. When the look fails in
 * between (here: PostgreSQL refuses the look's write once, through a trigger the test installs),
 * the request or release exists and the run does not know it. The phase's next look must adopt
 * it: one change request per phase, one release per phase, and no phase failed for a release
 * that is its own.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Flag, type Project } from '../../support/factories';
import { memberWithToken, review } from '../../support/governance';
import { installRefusals, type Refusals } from '../../support/refused-writes';
import { flagReleases, stagingThenProduction, turnOn, type Run } from '../../support/release-plans';

describe('a look that fails after opening what its phase needs', () => {
  let g: Gantry;
  let alice: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;
  let owner: ApiClient;
  /** Production gated (critical): its phases wait for a change request. */
  let project: Project;
  /** Production open: its phases start releases at once. */
  let open: Project;
  let refusals: Refusals;

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    open = await factory.project(owner, { environments: ['staging', 'production'] });
    [alice, bob] = await Promise.all([memberWithToken(g, owner, 'writer'), memberWithToken(g, owner, 'writer')]);
    for (const [p, key, requireApproval] of [
      [open, 'staged', false],
      [project, 'gated', true],
    ] as const)
      ok(
        await alice.api.POST('/api/v1/projects/{projectKey}/release-pipelines', {
          params: { path: { projectKey: p.key } },
          body: { key, name: key, phases: stagingThenProduction(600_000, requireApproval) },
        }),
      );
    refusals = await installRefusals(g);
  });
  afterAll(() => g?.stop());

  const gated = flagReleases(() => ({ api: alice.api, projectKey: project.key }));
  const staged = flagReleases(() => ({ api: alice.api, projectKey: open.key }));

  /** The run's look writes the phase's state with a release (or a change request) in it. */
  const recording = (flag: Flag, field: 'releaseId' | 'changeRequestId') =>
    `NEW."flagKey" = '${flag.key}' AND NEW."audiences"::text LIKE '%"${field}"%'`;

  const flagOnEverywhere = async (releases: typeof gated, p: Project) => {
    const flag = await releases.twoWay();
    await turnOn(owner, p.key, flag.key, ['staging', 'production']);
    return flag;
  };
  const production = (r: Run) => r.audiences.find((a) => a.environmentKey === 'production')!;
  const releases = (flag: Flag) =>
    g.sql<{ id: string; status: string }>(`SELECT "id", "status" FROM "Release" WHERE "flagKey" = $1`, [flag.key]);
  /** The flag's change requests in production, but for the retroactive review of turning it on at set-up. */
  const requests = (flag: Flag) =>
    g.sql<{ id: string; status: string }>(
      `SELECT "id", "status" FROM "ChangeRequest"
        WHERE "resourceKey" = $1 AND "environmentKey" = 'production' AND "status" <> 'bypassed' ORDER BY "createdAt"`,
      [flag.key],
    );
  const adoptionLogged = (what: string, id: string) =>
    eventually(async () => {
      if (!g.stdout().includes(`adopts ${what} ${id}, which an earlier look opened and did not record`))
        throw new Error(`no log line for adopting ${what} ${id}`);
    });

  it('adopts the release it started when recording it failed', async () => {
    const flag = await flagOnEverywhere(staged, open);
    await refusals.refuse('fault_staged_release', 'PipelineRun', recording(flag, 'releaseId'));
    ok(await staged.start(flag, { pipelineKey: 'staged' }));

    const run = await staged.until(flag, (r) => production(r).status !== 'pending', 30_000);
    expect(await refusals.fired('fault_staged_release')).toBe(true);
    const [release, ...more] = await releases(flag);
    expect(more).toEqual([]);
    expect(production(run)).toMatchObject({ status: 'running', releaseId: release.id });
    expect(release.status).toBe('running');
    await adoptionLogged('release', release.id);
    // The API shows which run and phase started it (phases count from 0).
    const shown = ok(
      await alice.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { projectKey: open.key, flagKey: flag.key, envKey: 'production', id: release.id } },
      }),
    );
    expect(shown.origin).toEqual({ pipelineRun: run.id, phase: 1 });
    const gql = await g.raw('POST', '/graphql', {
      token: g.ownerToken,
      body: {
        query: `{ releases(projectKey: "${open.key}", flagKey: "${flag.key}", environmentKey: "production") {
          id origin { pipelineRun phase } } }`,
      },
    });
    expect(gql.body).toEqual({ data: { releases: [{ id: release.id, origin: { pipelineRun: run.id, phase: 1 } }] } });
  });

  it('opens one change request for a phase, and adopts the release an approved one started', async () => {
    const flag = await flagOnEverywhere(gated, project);
    await refusals.refuse('fault_gated_request', 'PipelineRun', recording(flag, 'changeRequestId'));
    ok(await gated.start(flag, { pipelineKey: 'gated' }));

    const waiting = await gated.until(flag, (r) => production(r).status === 'waiting_approval', 30_000);
    expect(await refusals.fired('fault_gated_request')).toBe(true);
    const [request, ...more] = await requests(flag);
    expect(more).toEqual([]);
    expect(request.status).toBe('pending');
    expect(production(waiting).changeRequestId).toBe(request.id);
    await adoptionLogged('change request', request.id);
    const opened = ok(await alice.api.GET('/api/v1/change-requests/{id}', { params: { path: { id: request.id } } }));
    expect(opened.origin).toEqual({ pipelineRun: waiting.id, phase: 1 });
    const gql = await g.raw('POST', '/graphql', {
      token: g.ownerToken,
      body: { query: `{ changeRequest(id: "${request.id}") { origin { pipelineRun phase } } }` },
    });
    expect(gql.body).toEqual({ data: { changeRequest: { origin: { pipelineRun: waiting.id, phase: 1 } } } });

    // Approved: the look starts the release, then its cancel of the request is refused once, so the
    // look fails with the release running and the request still approved.
    await refusals.refuse(
      'fault_gated_cancel',
      'ChangeRequest',
      `NEW."id" = '${request.id}' AND NEW."status" = 'cancelled'`,
    );
    ok(await review(bob.api, request.id, 'approve', 'go'));
    const run = await gated.until(flag, (r) => production(r).status === 'running', 30_000);
    expect(await refusals.fired('fault_gated_cancel')).toBe(true);
    const [release, ...others] = await releases(flag);
    expect(others).toEqual([]);
    expect(production(run).releaseId).toBe(release.id);
    expect(await requests(flag)).toEqual([{ id: request.id, status: 'cancelled' }]);
    await adoptionLogged('release', release.id);
  });

  it('adopts the release started for an approved request when recording it failed after the request closed', async () => {
    const flag = await flagOnEverywhere(gated, project);
    ok(await gated.start(flag, { pipelineKey: 'gated' }));
    const waiting = await gated.until(flag, (r) => production(r).status === 'waiting_approval', 30_000);
    const requestId = production(waiting).changeRequestId!;

    await refusals.refuse('fault_approved_release', 'PipelineRun', recording(flag, 'releaseId'));
    ok(await review(bob.api, requestId, 'approve', 'go'));
    const run = await gated.until(flag, (r) => production(r).status !== 'waiting_approval', 30_000);
    expect(await refusals.fired('fault_approved_release')).toBe(true);
    const [release, ...others] = await releases(flag);
    expect(others).toEqual([]);
    expect(production(run)).toMatchObject({ status: 'running', releaseId: release.id });
    expect(await requests(flag)).toEqual([{ id: requestId, status: 'cancelled' }]);
    await adoptionLogged('release', release.id);
  });

  it('a phase retried after its release rolled back starts a new release', async () => {
    const flag = await flagOnEverywhere(staged, open);
    ok(await staged.start(flag, { pipelineKey: 'staged' }));
    const first = await staged.until(flag, (r) => production(r).status === 'running', 30_000);
    const firstId = production(first).releaseId!;
    ok(
      await alice.api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/rollback',
        { params: { path: { projectKey: open.key, flagKey: flag.key, envKey: 'production', id: firstId } } },
      ),
    );
    await staged.until(flag, (r) => r.status === 'paused', 30_000);
    ok(
      await alice.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/release/resume', {
        params: { path: { projectKey: open.key, flagKey: flag.key } },
      }),
    );
    const again = await staged.until(
      flag,
      (r) => production(r).status === 'running' && production(r).releaseId !== firstId,
      30_000,
    );
    expect((await releases(flag)).map((r) => [r.id, r.status]).sort()).toEqual(
      [
        [firstId, 'rolled_back'],
        [production(again).releaseId!, 'running'],
      ].sort(),
    );
  });

  it("a look whose webhook delivery cannot be written is retried whole: each phase's event is sent once", async () => {
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'phases', url: 'https://hooks.example.com/gantry', events: ['release_plan.phase_started'] },
      }),
    );
    const flag = await flagOnEverywhere(staged, open);
    // Twice: a write of the deliveries after the look's commit would be retried once on its own, and lost.
    await refusals.refuse('fault_phase_event', 'WebhookDelivery', `NEW."event" = 'release_plan.phase_started'`, {
      times: 2,
      on: 'INSERT',
    });
    ok(await staged.start(flag, { pipelineKey: 'staged' }));

    const run = await staged.until(flag, (r) => production(r).status === 'running', 30_000);
    expect(await refusals.fired('fault_phase_event')).toBe(true);
    const sent = await g.sql<{ environmentKey: string }>(
      `SELECT "payload"->>'environmentKey' AS "environmentKey" FROM "WebhookDelivery"
        WHERE "event" = 'release_plan.phase_started' AND "payload"->>'id' = $1 ORDER BY ("payload"->>'phase')::int`,
      [run.id],
    );
    expect(sent.map((d) => d.environmentKey)).toEqual(['staging', 'production']);
    const [release, ...more] = await releases(flag);
    expect(more).toEqual([]);
    expect(production(run).releaseId).toBe(release.id);
  });
});
