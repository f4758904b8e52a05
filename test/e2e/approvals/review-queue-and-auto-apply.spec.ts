/**
 * What waits for a reviewer, and what happens once they approve:
 * - awaitingMyReview: listed for an eligible reviewer, not for the requester, not once reviewed, and
 *   not for callers the settings would refuse (outside reviewerTeams; service tokens by default);
 * - autoApplyOnApproval: the approval applies the request at once; when the flag changed
 *   underneath, the automatic apply fails and the request is marked failed.
 * (Notifications, service tokens, reviewer teams, segments: notifications-and-segments.spec.ts.)
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Project } from '../../support/factories';
import {
  auditOf,
  flagAuditResource,
  flagIn,
  listChangeRequests,
  memberWithToken,
  openFlagRequest,
  review,
  serviceTokenWithClient,
  setApprovalSettings,
} from '../../support/governance';

describe('change requests: review queues and automatic apply', () => {
  let g: Gantry;
  let owner: ApiClient;
  let alice: Awaited<ReturnType<typeof memberWithToken>>; // writer, requester
  let bob: Awaited<ReturnType<typeof memberWithToken>>; // writer, reviewer
  let carol: Awaited<ReturnType<typeof memberWithToken>>; // writer

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => memberWithToken(g, owner, 'writer')));
  });
  afterAll(() => g?.stop());

  const criticalProject = () =>
    factory.project(owner, { environments: ['staging', { key: 'production', name: 'Production', critical: true }] });

  it(
    'awaitingMyReview lists a pending request for an eligible reviewer, ' +
      'not for its requester, not once the reviewer decided, not once approved',
    async () => {
      const project: Project = await criticalProject();
      await setApprovalSettings(owner, project.key, 'production', { minApprovals: 2 });
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }],
      });
      const awaiting = async (api: ApiClient) =>
        (await listChangeRequests(api, { projectKey: project.key, awaitingMyReview: true })).items.map((i) => i.id);

      expect(await awaiting(bob.api)).toEqual([cr.id]);
      expect(await awaiting(carol.api)).toEqual([cr.id]);
      expect(await awaiting(alice.api)).toEqual([]);

      ok(await review(bob.api, cr.id, 'approve'));
      expect(await awaiting(bob.api)).toEqual([]);
      // Still pending (one of two approvals): carol's review is still wanted, and a comment is not a decision.
      ok(await review(carol.api, cr.id, 'comment', 'question about rollout'));
      expect(await awaiting(carol.api)).toEqual([cr.id]);

      // Editing the instructions resets the reviews: bob is asked again.
      ok(
        await owner.PATCH('/api/v1/change-requests/{id}', {
          params: { path: { id: cr.id } },
          body: {
            instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateOffVariation', variationId: flag.variations[0]._id }],
          },
        }),
      );
      expect(await awaiting(bob.api)).toEqual([cr.id]);

      ok(await review(bob.api, cr.id, 'approve'));
      ok(await review(carol.api, cr.id, 'approve'));
      expect(await awaiting(carol.api)).toEqual([]);
      expect(await awaiting(bob.api)).toEqual([]);
    },
  );

  it(
    'awaitingMyReview leaves out requests the settings do not let the caller review ' +
      '(outside reviewerTeams; a service token while serviceTokensCanReview is off)',
    async () => {
      // 'release-managers' exists since the reviewerTeams test; create it if this test runs alone.
      const existing = await owner.GET('/api/v1/teams/{key}', { params: { path: { key: 'release-managers' } } });
      if (existing.response.status === 404)
        ok(await owner.POST('/api/v1/teams', { body: { key: 'release-managers', name: 'Release managers' } }));
      const erin = await memberWithToken(g, owner, 'writer', ['release-managers']);
      const bot = await serviceTokenWithClient(g, owner, 'writer');
      const project = await criticalProject();
      await setApprovalSettings(owner, project.key, 'production', { reviewerTeams: ['release-managers'] });
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }],
      });
      const awaiting = async (api: ApiClient) =>
        (await listChangeRequests(api, { projectKey: project.key, awaitingMyReview: true })).items.map((i) => i.id);

      // The eligible reviewer sees it.
      expect(await awaiting(erin.api)).toEqual([cr.id]);
      // Bob's and the token's approvals would be refused (checked here), so the request is not awaiting their review.
      expect((await review(bob.api, cr.id, 'approve')).error?.code).toBe('approval/reviewer_not_allowed');
      expect((await review(bot.api, cr.id, 'approve')).error?.code).toBe('approval/reviewer_not_allowed');
      expect({ bob: await awaiting(bob.api), token: await awaiting(bot.api) }).toEqual({ bob: [], token: [] });
    },
  );

  it("autoApplyOnApproval: the approval applies the request at once, as Gantry on the request's behalf", async () => {
    const project = await criticalProject();
    await setApprovalSettings(owner, project.key, 'production', { autoApplyOnApproval: true });
    const flag = await factory.flag(owner, project.key);
    const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      instructions: [{ kind: 'turnFlagOn' }],
    });
    expect(cr.status).toBe('pending');

    const approved = ok(await review(bob.api, cr.id, 'approve'));
    expect(approved).toMatchObject({ status: 'applied', appliedVersion: 2 });
    expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
      on: true,
      version: 2,
    });

    const writes = await auditOf(owner, flagAuditResource(project.key, 'production', flag.key), 'updateOn');
    expect(writes).toHaveLength(1);
    expect(writes[0].actor).toMatchObject({ kind: 'system' });
    expect(writes[0].links).toMatchObject({
      changeRequest: { id: cr.id, reviewers: [bob.member.id], override: false },
    });
  });

  it(
    'autoApplyOnApproval when the flag changed underneath: the automatic apply fails, ' +
      'the request is marked failed with the conflict, the flag is untouched',
    async () => {
      const project = await criticalProject();
      await setApprovalSettings(owner, project.key, 'production', { autoApplyOnApproval: true });
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }],
      });
      await factory.patchFlag(
        owner,
        project.key,
        flag.key,
        {
          environmentKey: 'production',
          instructions: [
            { kind: 'turnFlagOn' },
            { kind: 'turnFlagOff' },
            { kind: 'updateOffVariation', variationId: flag.variations[0]._id },
          ],
        },
        { bypassReason: 'set-up: change the flag underneath the request' },
      );

      // The review is committed whatever the automatic apply does, so the review call succeeds and
      // answers with the request as the refused apply left it.
      const answered = ok(await review(bob.api, cr.id, 'approve'));
      expect(answered.status).toBe('failed');
      const after = ok(await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
      expect(after).toMatchObject({
        status: 'failed',
        appliedVersion: null,
        approvals: { approvers: [bob.member.id] },
        failure: { code: 'change_request/conflict' },
      });
      expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
        on: false,
        version: 2,
        offVariation: 0,
      });
    },
  );
});
