/**
 * The governance path end to end: a critical environment refuses direct writes without bypass
 * (an admin's bypass needs a reason, and is audited with it), and a change request goes create → self-approval refused → approval
 * by another member → apply, with the flag changed and the audit entries linking request,
 * reviewers and applier. Also minApprovals 2 and declines.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { metricValue } from '../../support/delivery';
import { factory, ok, type Project } from '../../support/factories';
import {
  apply,
  flagIn,
  getChangeRequest,
  memberWithToken,
  openFlagRequest,
  review,
  serviceTokenWithClient,
  setApprovalSettings,
} from '../../support/governance';

describe('change requests', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let alice: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;
  let carol: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [alice, bob, carol] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
    ]);
  });
  afterAll(() => g?.stop());

  it(
    'a critical environment requires approval by default: ' +
      "a writer's direct PATCH is refused with approval/required, staging is not",
    async () => {
      const flag = await factory.flag(owner, project.key);
      const settings = ok(
        await alice.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
          params: { path: { projectKey: project.key, envKey: 'production' } },
        }),
      );
      expect(settings).toMatchObject({ required: true, minApprovals: 1, source: 'default' });

      const refused = await alice.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: flag.key } },
        body: { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] },
      });
      expect(refused.response.status).toBe(403);
      expect(refused.error).toMatchObject({ code: 'approval/required' });
      expect((refused.error as { detail: string }).detail).toContain(
        `/flags/${flag.key}/environments/production/change-requests`,
      );
      expect((await flagIn(owner, project.key, flag.key)).environments.production.on).toBe(false);
      const metrics = String((await g.raw('GET', '/metrics')).body);
      expect(metricValue(metrics, 'gantry_approval_gate_total', '{kind="flag",outcome="required"}')).toBe(1);

      await factory.patchFlag(alice.api, project.key, flag.key, {
        environmentKey: 'staging',
        instructions: [{ kind: 'turnFlagOn' }],
      });
    },
  );

  it(
    'an admin (bypassRequiredApproval) writes directly only with a reason (428 without), ' +
      'and the audit entry records the bypass, its reason and the retroactive review',
    async () => {
      const admin = await memberWithToken(g, owner, 'admin');
      const flag = await factory.flag(owner, project.key);
      const resource = `proj/${project.key}:env/production:flag/${flag.key}`;
      const body = { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' as const }] };

      // Holding the right is not enough: without a reason the write is refused and nothing changes.
      const silent = await admin.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: flag.key } },
        body,
      });
      expect(silent.response.status).toBe(428);
      expect(silent.error).toMatchObject({ code: 'approval/bypass_reason_required' });
      expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
        on: false,
        version: 1,
      });
      const none = ok(await owner.GET('/api/v1/audit-log', { params: { query: { resource, action: 'updateOn' } } }));
      expect(none.items).toEqual([]);

      // With a reason: applied, and the bypass is on the record.
      const written = await factory.patchFlag(admin.api, project.key, flag.key, body, {
        bypassReason: 'incident 42: checkout down',
      });
      expect(written.environments.production).toMatchObject({ on: true, version: 2 });
      expect(written.approvalBypassed).toEqual([
        { environment: 'production', reason: 'incident 42: checkout down', reviewId: expect.any(String) },
      ]);
      const reviewId = written.approvalBypassed![0].reviewId;
      const audit = ok(await owner.GET('/api/v1/audit-log', { params: { query: { resource, action: 'updateOn' } } }));
      expect(audit.items).toHaveLength(1);
      expect(audit.items[0].actor).toMatchObject({ id: admin.member.id });
      expect(audit.items[0].links).toMatchObject({
        approvalBypassed: [
          {
            environment: 'production',
            reasons: [expect.stringContaining('any change')],
            bypassReason: 'incident 42: checkout down',
            retroactiveReview: reviewId,
          },
        ],
      });
      // The retroactive review the audit entry points at is a change request awaiting acknowledgement.
      expect(ok(await getChangeRequest(owner, reviewId))).toMatchObject({
        status: 'bypassed',
        resourceKey: flag.key,
        environmentKey: 'production',
        appliedVersion: 2,
      });
    },
  );

  it(
    'create, self-approval refused, approval by another member, apply: ' +
      'the flag changes and the audit links request, reviewers and applier',
    async () => {
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        description: 'launch',
        instructions: [{ kind: 'turnFlagOn' }],
      });
      expect(cr).toMatchObject({
        status: 'pending',
        baseVersion: 1,
        approvalsRequired: 1,
        resourceKind: 'flag',
        resourceKey: flag.key,
        environmentKey: 'production',
      });

      const self = await review(alice.api, cr.id, 'approve');
      expect(self.response.status).toBe(403);
      expect(self.error).toMatchObject({ code: 'approval/self_review' });

      const early = await apply(alice.api, cr.id);
      expect(early.error).toMatchObject({ code: 'approval/insufficient_approvals' });

      const approved = ok(await review(bob.api, cr.id, 'approve', 'looks good'));
      expect(approved.status).toBe('approved');
      expect(approved.approvals.approvers).toEqual([bob.member.id]);

      const applied = ok(await apply(carol.api, cr.id));
      expect(applied).toMatchObject({ status: 'applied', appliedVersion: 2 });
      expect((await flagIn(owner, project.key, flag.key)).environments.production.on).toBe(true);

      const entries = ok(
        await owner.GET('/api/v1/audit-log', {
          params: { query: { resource: `proj/${project.key}:env/production:flag/${flag.key}` } },
        }),
      ).items;
      const write = entries.find((e) => e.action === 'updateOn')!;
      expect(write.actor).toMatchObject({ id: carol.member.id });
      expect(write.links).toMatchObject({
        changeRequest: { id: cr.id, reviewers: [bob.member.id], requester: { id: alice.member.id }, override: false },
      });
      expect(entries.map((e) => e.action)).toEqual(
        expect.arrayContaining(['createChangeRequest', 'reviewChangeRequest', 'applyChangeRequest']),
      );

      const again = await apply(carol.api, cr.id);
      expect(again.response.status).toBe(409);
      expect(again.error).toMatchObject({ code: 'change_request/already_applied' });
    },
  );

  it('minApprovals 2 needs two distinct reviewers; the same reviewer twice counts once', async () => {
    const p = await factory.project(owner, { environments: ['prod'] });
    await setApprovalSettings(owner, p.key, 'prod', { required: true, minApprovals: 2 });
    const flag = await factory.flag(owner, p.key);
    const cr = await openFlagRequest(alice.api, p.key, flag.key, 'prod', { instructions: [{ kind: 'turnFlagOn' }] });
    expect(ok(await review(bob.api, cr.id, 'approve')).status).toBe('pending');
    expect(ok(await review(bob.api, cr.id, 'approve')).status).toBe('pending');
    expect((await apply(alice.api, cr.id)).error).toMatchObject({ code: 'approval/insufficient_approvals' });
    expect(ok(await review(carol.api, cr.id, 'approve')).status).toBe('approved');
    // A CI pipeline applies with a service token.
    const ci = await serviceTokenWithClient(g, owner, 'writer');
    expect(ok(await apply(ci.api, cr.id))).toMatchObject({ status: 'applied', appliedVersion: 2 });
  });

  it('a decline blocks apply unless canApplyDeclinedChanges', async () => {
    const p = await factory.project(owner, { environments: ['prod'] });
    await setApprovalSettings(owner, p.key, 'prod', { required: true, minApprovals: 1 });
    const flag = await factory.flag(owner, p.key);
    const cr = await openFlagRequest(alice.api, p.key, flag.key, 'prod', { instructions: [{ kind: 'turnFlagOn' }] });
    ok(await review(bob.api, cr.id, 'approve'));
    expect(ok(await review(carol.api, cr.id, 'decline', 'not on a Friday')).status).toBe('declined');
    const refused = await apply(alice.api, cr.id);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'approval/declined' });

    await setApprovalSettings(owner, p.key, 'prod', { canApplyDeclinedChanges: true });
    expect(ok(await apply(alice.api, cr.id)).status).toBe('applied');
  });

  it(
    'project defaults govern environments without settings of their own, new ones included; ' +
      'only approval-settings managers may set them',
    async () => {
      const p = await factory.project(owner, { environments: ['qa', 'prod'] });
      const settingsOf = async (envKey: string) =>
        ok(
          await owner.GET('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
            params: { path: { projectKey: p.key, envKey } },
          }),
        );
      expect(await settingsOf('prod')).toMatchObject({ required: false, source: 'default' });

      const byWriter = await alice.api.PUT('/api/v1/projects/{projectKey}/approval-settings', {
        params: { path: { projectKey: p.key } },
        body: { required: true },
      });
      expect(byWriter.response.status).toBe(403);

      await setApprovalSettings(owner, p.key, 'qa', { required: false });
      ok(
        await owner.PUT('/api/v1/projects/{projectKey}/approval-settings', {
          params: { path: { projectKey: p.key } },
          body: { required: true, minApprovals: 2 },
        }),
      );
      expect(await settingsOf('prod')).toMatchObject({ required: true, minApprovals: 2, source: 'project' });
      expect(await settingsOf('qa')).toMatchObject({ required: false, source: 'environment' });
      await factory.environment(owner, p.key, { key: 'perf' });
      expect(await settingsOf('perf')).toMatchObject({ required: true, minApprovals: 2, source: 'project' });

      const flag = await factory.flag(owner, p.key);
      const refused = await alice.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: p.key, flagKey: flag.key } },
        body: { environmentKey: 'perf', instructions: [{ kind: 'turnFlagOn' }] },
      });
      expect(refused.error).toMatchObject({ code: 'approval/required' });
      await factory.patchFlag(alice.api, p.key, flag.key, {
        environmentKey: 'qa',
        instructions: [{ kind: 'turnFlagOn' }],
      });
      expect(
        ok(
          await owner.GET('/api/v1/audit-log', {
            params: { query: { action: 'updateApprovalSettings', resource: `proj/${p.key}` } },
          }),
        ).items,
      ).toHaveLength(2);
    },
  );
});
