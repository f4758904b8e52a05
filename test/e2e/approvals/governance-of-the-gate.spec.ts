/**
 * The gate guards itself: in an environment where approval is required, what would weaken or
 * remove protection (lowering critical, changing approval settings, deleting the environment or
 * the project) needs a reviewed change request or an explicit break-glass — the holes a writer
 * could walk through before (issue 10).
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok } from '../../support/factories';
import { apply, getChangeRequest, memberWithToken, review, setApprovalSettings } from '../../support/governance';

describe('governance of the gate', () => {
  let g: Gantry;
  let owner: ApiClient;
  let writer: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;
  let carol: Awaited<ReturnType<typeof memberWithToken>>;
  let admin: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    [writer, bob, carol, admin] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'admin'),
    ]);
  });
  afterAll(() => g?.stop());

  const newProject = () =>
    factory.project(owner, { environments: ['staging', { key: 'production', name: 'Production', critical: true }] });
  const envOf = async (api: ApiClient, projectKey: string, envKey: string) =>
    api.GET('/api/v1/projects/{projectKey}/environments/{envKey}', { params: { path: { projectKey, envKey } } });
  const patchEnv = (api: ApiClient, projectKey: string, envKey: string, body: object, reason?: string) =>
    api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}', {
      params: { path: { projectKey, envKey } },
      body,
      headers: reason ? { 'x-gantry-bypass-reason': reason } : {},
    });
  const deleteEnv = (api: ApiClient, projectKey: string, envKey: string, reason?: string) =>
    api.DELETE('/api/v1/projects/{projectKey}/environments/{envKey}', {
      params: { path: { projectKey, envKey } },
      headers: reason ? { 'x-gantry-bypass-reason': reason } : {},
    });
  const deleteProject = (api: ApiClient, projectKey: string, reason?: string) =>
    api.DELETE('/api/v1/projects/{projectKey}', {
      params: { path: { projectKey } },
      headers: reason ? { 'x-gantry-bypass-reason': reason } : {},
    });

  it('a writer cannot un-critical a critical environment, so the next flag write is still gated', async () => {
    const project = await newProject();
    const refused = await patchEnv(writer.api, project.key, 'production', { critical: false });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'approval/required' });
    expect((refused.error as { detail: string }).detail).toContain(
      `/projects/${project.key}/environments/production/change-requests`,
    );
    expect(ok(await envOf(owner, project.key, 'production')).critical).toBe(true);

    const flag = await factory.flag(owner, project.key);
    const write = await writer.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey: flag.key } },
      body: { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] },
    });
    expect(write.error).toMatchObject({ code: 'approval/required' });

    // Renaming is not weakening; a non-critical environment is not gated at all.
    ok(await patchEnv(writer.api, project.key, 'production', { name: 'Prod' }));
    ok(await patchEnv(writer.api, project.key, 'staging', { critical: true }));
    ok(await patchEnv(owner, project.key, 'staging', { critical: false }, 'staging was marked critical by mistake'));
  });

  it('a writer cannot delete a gated environment or the project holding it; non-gated ones it can', async () => {
    const project = await newProject();
    await setApprovalSettings(owner, project.key, 'production', { required: true, minApprovals: 2 });
    const env = await deleteEnv(writer.api, project.key, 'production');
    expect(env.response.status).toBe(403);
    expect(env.error).toMatchObject({ code: 'approval/required' });
    const whole = await deleteProject(writer.api, project.key);
    expect(whole.response.status).toBe(403);
    expect(ok(await envOf(owner, project.key, 'production')).key).toBe('production');

    // An admin may break glass, but never silently: without a reason, 428.
    expect((await deleteProject(admin.api, project.key)).error).toMatchObject({
      code: 'approval/bypass_reason_required',
    });
    expect((await deleteEnv(admin.api, project.key, 'production')).error).toMatchObject({
      code: 'approval/bypass_reason_required',
    });

    expect((await deleteEnv(writer.api, project.key, 'staging')).response.status).toBe(204);
  });

  it('approval settings: changing them where approval is required is gated; break-glass opens a retroactive review', async () => {
    const project = await newProject();
    const put = (api: ApiClient, body: object, reason?: string) =>
      api.PUT('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
        params: { path: { projectKey: project.key, envKey: 'production' } },
        body,
        headers: reason ? { 'x-gantry-bypass-reason': reason } : {},
      });
    expect((await put(admin.api, { required: false })).error).toMatchObject({
      code: 'approval/bypass_reason_required',
    });
    const res = await put(admin.api, { minApprovals: 2 }, 'audit finding 12: two reviewers');
    expect(res.response.headers.get('x-gantry-approval-bypassed')).toBe('true');
    const body = ok(res);
    expect(body.minApprovals).toBe(2);
    const retro = ok(await getChangeRequest(owner, body.approvalBypassed![0].reviewId));
    expect(retro).toMatchObject({
      status: 'bypassed',
      resourceKind: 'environment',
      resourceKey: 'production',
      instructions: [{ kind: 'updateApprovalSettings' }],
    });
  });

  it('with two approvals, a change request un-criticals the environment (reviewed, version-bound, applied)', async () => {
    const project = await newProject();
    await setApprovalSettings(owner, project.key, 'production', { required: true, minApprovals: 2 });
    const opened = ok(
      await writer.api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/change-requests', {
        params: { path: { projectKey: project.key, envKey: 'production' } },
        body: {
          description: 'production moves to the new cluster; the old one is no longer critical',
          instructions: [{ kind: 'updateEnvironment', critical: false }],
        },
      }),
    );
    expect(opened).toMatchObject({ status: 'pending', resourceKind: 'environment', approvalsRequired: 2 });
    expect(opened.approvalReasons).toEqual([expect.stringContaining('lowering critical')]);

    ok(await review(bob.api, opened.id, 'approve'));
    expect((await apply(writer.api, opened.id)).error).toMatchObject({ code: 'approval/insufficient_approvals' });
    const approved = ok(await review(carol.api, opened.id, 'approve'));
    expect(approved.status).toBe('approved');
    const applied = ok(await apply(writer.api, opened.id));
    expect(applied.status).toBe('applied');
    expect(ok(await envOf(owner, project.key, 'production')).critical).toBe(false);
    // Own settings still require approval (they were set explicitly): only critical changed.
    const settings = ok(
      await owner.GET('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
        params: { path: { projectKey: project.key, envKey: 'production' } },
      }),
    );
    expect(settings).toMatchObject({ required: true, minApprovals: 2 });
  });

  it('a request opened against an older governance version conflicts when the environment changed under it', async () => {
    const project = await newProject();
    const opened = ok(
      await writer.api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/change-requests', {
        params: { path: { projectKey: project.key, envKey: 'production' } },
        body: { instructions: [{ kind: 'deleteEnvironment' }] },
      }),
    );
    ok(await review(bob.api, opened.id, 'approve'));
    await setApprovalSettings(owner, project.key, 'production', { required: true, minApprovals: 1 }, 'tightening');
    const conflict = await apply(writer.api, opened.id);
    expect(conflict.error).toMatchObject({ code: 'change_request/conflict' });
    expect(ok(await envOf(owner, project.key, 'production')).key).toBe('production');
  });

  it('bad governance instructions are refused with the failing index', async () => {
    const project = await newProject();
    const open = (instructions: unknown[]) =>
      writer.api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/change-requests', {
        params: { path: { projectKey: project.key, envKey: 'production' } },
        body: { instructions: instructions as never },
      });
    expect((await open([{ kind: 'turnFlagOn' }])).error).toMatchObject({ code: 'patch/unknown_instruction' });
    expect((await open([{ kind: 'updateEnvironment' }])).error).toMatchObject({ code: 'patch/invalid_instruction' });
    expect((await open([{ kind: 'updateEnvironment', critical: 'no' }])).error).toMatchObject({
      code: 'patch/invalid_instruction',
    });
    expect((await open([{ kind: 'updateApprovalSettings', settings: { minApprovals: 99 } }])).error).toMatchObject({
      code: 'patch/invalid_instruction',
    });
    expect((await open([{ kind: 'updateEnvironment', critical: true }])).error).toMatchObject({
      code: 'change_request/no_change',
    });
  });

  it('an admin deletes a gated project with a reason: 204, audited with the retroactive review', async () => {
    const project = await newProject();
    expect((await deleteProject(admin.api, project.key, 'decommissioned service')).response.status).toBe(204);
    const audit = ok(
      await owner.GET('/api/v1/audit-log', { params: { query: { action: 'deleteProject', limit: 200 } } }),
    ).items.find((e) => e.resource === `proj/${project.key}`);
    expect(audit?.links).toMatchObject({
      approvalBypassed: [
        { environment: 'production', bypassReason: 'decommissioned service', retroactiveReview: expect.any(String) },
      ],
    });
  });
});
