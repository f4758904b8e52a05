/**
 * Change freezes end to end: a RECURRING window in a non-UTC time zone that started a minute ago
 * (cron of that local minute, a few minutes long) refuses every kind of targeting change with 423
 * `freeze/active` naming the window — flag PATCH, change-request apply, a due scheduled change, a
 * trigger call — pauses a running release, and lets break-glass through (audited). Removing it
 * (governed on a critical environment) opens the environments again and resumes the release.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { eventually } from '../support/delivery';
import { factory, ok, type Project, type Schemas } from '../support/factories';
import { apply, auditOf, flagAuditResource, memberWithToken, openFlagRequest, review } from '../support/governance';

type Freeze = Schemas['FreezeDto'];
type CreateFreeze = Schemas['CreateFreezeDto'];

const TZ = 'Asia/Kolkata';
const turnOn = [{ kind: 'turnFlagOn' as const }];

/** `M H * * *` for the local minute (in TZ) that began `minutesAgo` minutes ago. */
function cronStartedMinutesAgo(minutesAgo: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' })
    .formatToParts(new Date(Date.now() - minutesAgo * 60_000))
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${Number(parts.minute)} ${Number(parts.hour)} * * *`;
}

describe('change freezes', () => {
  let g: Gantry;
  let owner: ApiClient;
  let writer: { api: ApiClient };
  let admin: { api: ApiClient };
  let project: Project;

  const freezes = (api: ApiClient) => ({
    create: (body: CreateFreeze, bypassReason?: string) =>
      api.POST('/api/v1/projects/{projectKey}/freezes', {
        params: { path: { projectKey: project.key } },
        body,
        ...(bypassReason ? { headers: { 'X-Gantry-Bypass-Reason': bypassReason } } : {}),
      }),
    remove: (id: string, bypassReason?: string) =>
      api.DELETE('/api/v1/projects/{projectKey}/freezes/{id}', {
        params: { path: { projectKey: project.key, id } },
        ...(bypassReason ? { headers: { 'X-Gantry-Bypass-Reason': bypassReason } } : {}),
      }),
    list: async () =>
      ok(await api.GET('/api/v1/projects/{projectKey}/freezes', { params: { path: { projectKey: project.key } } }))
        .items,
  });
  const patch = (api: ApiClient, flagKey: string, envKey: string, bypassReason?: string) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey } },
      body: { environmentKey: envKey, instructions: turnOn },
      ...(bypassReason ? { headers: { 'X-Gantry-Bypass-Reason': bypassReason } } : {}),
    });
  const flagPath = (flagKey: string, envKey: string) => ({ projectKey: project.key, flagKey, envKey });

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    [writer, admin] = await Promise.all([memberWithToken(g, owner, 'writer'), memberWithToken(g, owner, 'admin')]);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
  });
  afterAll(() => g?.stop());

  it('refuses bad windows with 400 freeze/invalid_window, naming the field', async () => {
    const recurring = { name: 'bad', cron: '0 18 * * 5', durationMinutes: 60, timeZone: 'Europe/Berlin' };
    const cases: [CreateFreeze, string][] = [
      [{ ...recurring, cron: '0 18 * *' }, 'cron'],
      [{ ...recurring, cron: '99 18 * * 5' }, 'cron'],
      [{ ...recurring, timeZone: 'Europe/Atlantis' }, 'timeZone'],
      [{ ...recurring, durationMinutes: 0 }, 'durationMinutes'],
      [{ ...recurring, durationMinutes: 10081 }, 'durationMinutes'],
      [{ name: 'bad', from: '2027-01-02T00:00:00Z', to: '2027-01-02T00:00:00Z' }, 'to'],
      [{ name: 'bad', from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' }, 'to'],
      [{ from: '2027-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z', ...recurring }, 'from'],
      [
        { name: 'bad', from: '2027-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z', environmentKeys: ['nope'] },
        'environmentKeys',
      ],
    ];
    for (const [body, field] of cases) {
      const { error, response } = await freezes(owner).create(body);
      expect({ body, status: response.status, code: error?.code }).toEqual({
        body,
        status: 400,
        code: 'freeze/invalid_window',
      });
      expect(error?.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await freezes(owner).list()).toEqual([]);
  });

  it('a writer manages freezes of non-critical environments; one over a critical environment is governed', async () => {
    const staging = ok(
      await freezes(writer.api).create({
        name: 'new year (staging)',
        environmentKeys: ['staging'],
        from: '2030-01-01T00:00:00Z',
        to: '2030-01-02T00:00:00Z',
      }),
    );
    expect(staging).toMatchObject({ kind: 'once', environmentKeys: ['staging'], active: false, activeUntil: null });
    // Every environment (production included, critical): a writer may not bypass the approval it needs.
    const everywhere = { name: 'new year', from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' };
    const refused = await freezes(writer.api).create(everywhere);
    expect([refused.response.status, refused.error?.code]).toEqual([403, 'approval/required']);
    // No change-request kind carries a freeze: the refusal must not send the writer to a route that does not exist.
    expect(refused.error?.detail).toContain('no change request can carry it yet');
    expect(refused.error?.detail).not.toContain('POST');
    const noReason = await freezes(admin.api).create(everywhere);
    expect([noReason.response.status, noReason.error?.code]).toEqual([428, 'approval/bypass_reason_required']);
    const made = ok(await freezes(admin.api).create(everywhere, 'holiday freeze agreed with the CAB'));
    expect(made.environmentKeys).toBeNull();
    const created = await auditOf(owner, `proj/${project.key}:env/*`, 'createFreeze');
    expect(created[0].links).toMatchObject({
      freeze: { id: made.id },
      environments: expect.arrayContaining(['staging', 'production']),
      approvalBypassed: [{ environment: 'production', bypassReason: 'holiday freeze agreed with the CAB' }],
    });
    // Removing it is governed the same way.
    const removal = await freezes(writer.api).remove(made.id);
    expect([removal.response.status, (removal.error as { code?: string } | undefined)?.code]).toEqual([
      403,
      'approval/required',
    ]);
    expect((await freezes(admin.api).remove(made.id, 'plans changed')).response.status).toBe(204);
    expect((await freezes(writer.api).remove(staging.id)).response.status).toBe(204);
    expect(await freezes(owner).list()).toEqual([]);
  });

  it('an active recurring window refuses every targeting change until removed; break-glass passes, audited', async () => {
    const [flag, releaseFlag] = await Promise.all([
      factory.flag(owner, project.key),
      factory.flag(owner, project.key, { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } }),
    ]);

    // A release running in staging before the freeze: its first stage applied, its next step due in 2 s.
    const releasePath = flagPath(releaseFlag.key, 'staging');
    const release = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
        params: { path: releasePath },
        body: {
          toVariationId: releaseFlag.variations[1]._id,
          stages: [
            { weight: 50_000, durationMs: 2_000 },
            { weight: 100_000, durationMs: 1_000 },
          ],
        },
      }),
    );
    const getRelease = async () =>
      ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
          params: { path: { ...releasePath, id: release.id } },
        }),
      );
    await eventually(async () => expect((await getRelease()).currentStage).toBe(0), { timeoutMs: 15_000 });

    // A change request for production, approved before the freeze.
    const cr = await openFlagRequest(writer.api, project.key, flag.key, 'production', { instructions: turnOn });
    ok(await review(admin.api, cr.id, 'approve'));

    // The freeze: every day at the local minute (Kolkata, UTC+5:30) that began a minute ago, for 4 minutes.
    const cron = cronStartedMinutesAgo(1);
    const window = ok(
      await freezes(owner).create(
        { name: 'deploy freeze', reason: 'quarter close', cron, durationMinutes: 4, timeZone: TZ },
        'set up by the release manager',
      ),
    );
    expect(window).toMatchObject({ kind: 'recurring', cron, timeZone: TZ, environmentKeys: null, active: true });
    expect(new Date(window.activeUntil!).getTime()).toBeGreaterThan(Date.now());

    // Flag PATCH: 423 naming the window and its end.
    const refused = await patch(owner, flag.key, 'staging');
    expect(refused.response.status).toBe(423);
    expect(refused.error).toMatchObject({ code: 'freeze/active', status: 423 });
    expect(refused.error?.detail).toContain(`'deploy freeze' (id ${window.id})`);
    expect(refused.error?.detail).toContain(window.activeUntil);
    expect(refused.error?.errors).toEqual([
      { field: `freezes.${window.id}`, reason: expect.stringContaining('until') },
    ]);

    // Segment PATCH too.
    const segment = await factory.segment(owner, project.key, 'staging');
    const segRefused = await owner.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: { projectKey: project.key, envKey: 'staging', segmentKey: segment.key } },
      body: { instructions: [{ kind: 'addIncludedTargets', contextKind: 'user', values: ['alice'] }] },
    });
    expect([segRefused.response.status, segRefused.error?.code]).toEqual([423, 'freeze/active']);

    // A writer's break-glass reason is not enough: writers cannot bypass.
    const writerGlass = await patch(writer.api, flag.key, 'staging', 'hotfix');
    expect([writerGlass.response.status, writerGlass.error?.code]).toEqual([423, 'freeze/active']);

    // Change-request apply: refused, and the request stays approved for after the freeze.
    const applied = await apply(writer.api, cr.id);
    expect([applied.response.status, applied.error?.code]).toEqual([423, 'freeze/active']);
    const stillApproved = ok(await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
    expect(stillApproved.status).toBe('approved');

    // A scheduled change due during the freeze fails with the freeze as its reason.
    const scheduled = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: flagPath(flag.key, 'staging') },
        body: { instructions: turnOn, executionDate: new Date(Date.now() + 1_000).toISOString() },
      }),
    );
    const failed = await eventually(
      async () => {
        const s = ok(
          await owner.GET(
            '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}',
            { params: { path: { ...flagPath(flag.key, 'staging'), id: scheduled.id } } },
          ),
        );
        expect(s.status).toBe('failed');
        return s;
      },
      { timeoutMs: 15_000 },
    );
    expect(failed.failure).toMatchObject({ code: 'freeze/active' });

    // A trigger call answers 423 to its caller.
    const trigger = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers', {
        params: { path: flagPath(flag.key, 'staging') },
        body: { name: 'deploy', action: { kind: 'turnFlagOn' } },
      }),
    );
    const fired = await g.raw('POST', new URL(trigger.url).pathname, { body: {} });
    expect([fired.status, fired.body.code]).toEqual([423, 'freeze/active']);

    // The release's next step meets the freeze: paused (not failed), its alarm at the freeze's end.
    const paused = await eventually(
      async () => {
        const r = await getRelease();
        expect(r.status).toBe('paused');
        return r;
      },
      { timeoutMs: 15_000 },
    );
    expect(paused.currentStage).toBe(0);
    expect(paused.history.at(-1)?.note).toContain(`change freeze 'deploy freeze' (id ${window.id})`);

    // Break-glass: an owner with a reason writes, and the write's audit entry says which freeze it passed.
    const glass = ok(await patch(owner, flag.key, 'staging', 'customer outage, rolling forward'));
    expect(glass.environments.staging.on).toBe(true);
    const [entry] = await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'updateOn');
    expect(entry.links).toMatchObject({
      freezeBypassed: {
        window: { id: window.id, name: 'deploy freeze' },
        reason: 'customer outage, rolling forward',
        environments: ['staging'],
      },
    });

    // Removing it covers production (critical): governed, so the writer cannot; the owner, with a reason.
    const writerRemove = await freezes(writer.api).remove(window.id);
    expect(writerRemove.response.status).toBe(403);
    expect((await freezes(owner).remove(window.id, 'quarter closed early')).response.status).toBe(204);
    const deleted = await auditOf(owner, `proj/${project.key}:env/*`, 'deleteFreeze');
    expect(deleted[0].links).toMatchObject({ freeze: { id: window.id, name: 'deploy freeze' } });

    // Open again: the PATCH works, the approved request applies, the release resumes and completes.
    ok(await patch(owner, flag.key, 'production', 'production is gated by approval'));
    const other = await factory.flag(owner, project.key);
    expect(ok(await patch(writer.api, other.key, 'staging')).environments.staging.on).toBe(true);
    const done = await eventually(
      async () => {
        const r = await getRelease();
        expect(r.status).toBe('completed');
        return r;
      },
      { timeoutMs: 20_000 },
    );
    expect(done.history.map((h) => h.note)).toEqual(
      expect.arrayContaining([expect.stringContaining('resumed after the change freeze')]),
    );
    const cr2 = await openFlagRequest(writer.api, project.key, other.key, 'production', { instructions: turnOn });
    ok(await review(admin.api, cr2.id, 'approve'));
    expect(ok(await apply(writer.api, cr2.id)).status).toBe('applied');
  });

  it('GraphQL: freezes, createFreeze and deleteFreeze', async () => {
    const gql = (query: string, variables?: Record<string, unknown>) =>
      g.raw('POST', '/graphql', { token: g.ownerToken, body: { query, variables } });
    const created = await gql(
      `mutation($p: String!, $input: CreateFreezeInput!) {
        createFreeze(projectKey: $p, input: $input) { id kind environmentKeys active }
      }`,
      {
        p: project.key,
        input: {
          name: 'gql',
          environmentKeys: ['staging'],
          cron: '0 3 * * 0',
          durationMinutes: 30,
          timeZone: 'America/New_York',
        },
      },
    );
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createFreeze.id as string;
    expect(created.body.data.createFreeze).toMatchObject({ kind: 'recurring', environmentKeys: ['staging'] });
    const listed = await gql(`query($p: String!) { freezes(projectKey: $p) { id name } }`, { p: project.key });
    expect(listed.body.data.freezes).toEqual([{ id, name: 'gql' }]);
    const bad = await gql(
      `mutation($p: String!, $input: CreateFreezeInput!) { createFreeze(projectKey: $p, input: $input) { id } }`,
      { p: project.key, input: { name: 'bad', cron: 'nope', durationMinutes: 30, timeZone: 'UTC' } },
    );
    expect(bad.body.errors[0].extensions.code).toBe('freeze/invalid_window');
    const removed = await gql(`mutation($p: String!, $id: String!) { deleteFreeze(projectKey: $p, id: $id) }`, {
      p: project.key,
      id,
    });
    expect(removed.body.data.deleteFreeze).toBe(true);
    const all: Freeze[] = await freezes(owner).list();
    expect(all).toEqual([]);
  });
});
