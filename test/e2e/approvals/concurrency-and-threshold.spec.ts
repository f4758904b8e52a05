/**
 * Applying exactly once, and gating by what a change does:
 * - two concurrent applies of one approved request (different allowed appliers): exactly one
 *   succeeds, the other is change_request/already_applied; the flag moves by exactly one version
 *   and there is exactly one applyChangeRequest audit entry;
 * - conditions ['rolloutIncrease'] with a threshold of 10000 (10%): a writer may shift a rollout by
 *   up to the threshold directly (exactly 10000 included), a larger rise is 403 approval/required,
 *   and the same rise goes through as an approved change request;
 * - conditions ['toggle']: a rule change applies directly, turning the flag on needs approval.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Flag, type Project } from '../../support/factories';
import {
  apply,
  auditOf,
  flagAuditResource,
  flagIn,
  memberWithToken,
  openFlagRequest,
  review,
  setApprovalSettings,
} from '../../support/governance';

describe('change requests: concurrent applies and gating conditions', () => {
  let g: Gantry;
  let owner: ApiClient;
  let alice: Awaited<ReturnType<typeof memberWithToken>>; // writer, requester
  let bob: Awaited<ReturnType<typeof memberWithToken>>; // writer, reviewer
  let carol: Awaited<ReturnType<typeof memberWithToken>>; // writer, applier

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    [alice, bob, carol] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
    ]);
  });
  afterAll(() => g?.stop());

  const patchAs = (
    api: ApiClient,
    projectKey: string,
    flagKey: string,
    instructions: Parameters<typeof factory.patchFlag>[3]['instructions'],
  ) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey, flagKey } },
      body: { environmentKey: 'production', instructions },
    });

  it(
    'two concurrent applies of one approved request: ' +
      'one 200, one 409 already_applied, one version step, one apply audit entry',
    async () => {
      const project = await factory.project(owner, {
        environments: [{ key: 'production', name: 'Production', critical: true }],
      });
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }],
      });
      ok(await review(bob.api, cr.id, 'approve'));

      const results = await Promise.all([apply(carol.api, cr.id), apply(alice.api, cr.id)]);
      const statuses = results.map((r) => r.response.status).sort();
      expect(statuses).toEqual([200, 409]);
      const winner = results.find((r) => r.response.status === 200)!;
      const loser = results.find((r) => r.response.status === 409)!;
      expect(winner.data).toMatchObject({ status: 'applied', appliedVersion: 2 });
      expect(loser.error?.code).toBe('change_request/already_applied');

      const prod = (await flagIn(owner, project.key, flag.key)).environments.production;
      expect(prod).toMatchObject({ on: true, version: 2 });
      const resource = flagAuditResource(project.key, 'production', flag.key);
      expect(await auditOf(owner, resource, 'applyChangeRequest')).toHaveLength(1);
      expect(await auditOf(owner, resource, 'updateOn')).toHaveLength(1);
      const versions = await g.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "FlagVersion" v
       JOIN "FlagEnvironment" fe ON fe.id = v."flagEnvironmentId"
       JOIN "Flag" f ON f.id = fe."flagId"
       JOIN "Environment" e ON e.id = fe."environmentId"
       WHERE f.key = $1 AND e.key = 'production' AND e."projectId" = f."projectId"
         AND f."projectId" = (SELECT id FROM "Project" WHERE key = $2)`,
        [flag.key, project.key],
      );
      expect(versions[0].n).toBe(2); // version 1 (creation) and version 2 (the one apply)
    },
  );

  describe('conditions [rolloutIncrease], threshold 10000', () => {
    let project: Project;
    let flag: Flag;
    let a: string;
    let b: string;

    beforeAll(async () => {
      project = await factory.project(owner, { environments: ['production'] });
      await setApprovalSettings(owner, project.key, 'production', {
        required: true,
        conditions: ['rolloutIncrease'],
        rolloutIncreaseThreshold: 10000,
      });
      flag = await factory.flag(owner, project.key, { variations: ['A', 'B'] });
      [a, b] = flag.variations.map((v) => v._id);
      // The owner (break-glass, with a reason) sets a 50/50 rollout: a rise of B by 50000, recorded as a bypass.
      await factory.patchFlag(
        owner,
        project.key,
        flag.key,
        {
          environmentKey: 'production',
          instructions: [
            { kind: 'turnFlagOn' },
            { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [a]: 50000, [b]: 50000 } },
          ],
        },
        { bypassReason: 'set-up: a 50/50 rollout to start from' },
      );
    });

    const weights = async () =>
      (await flagIn(owner, project.key, flag.key)).environments.production.fallthrough.rollout?.variations;

    it('the settings read back as written, merged over the defaults', async () => {
      const settings = ok(
        await bob.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
          params: { path: { projectKey: project.key, envKey: 'production' } },
        }),
      );
      expect(settings).toEqual({
        required: true,
        minApprovals: 1,
        canReviewOwnRequest: false,
        canApplyDeclinedChanges: false,
        requiredApprovalTags: [],
        reviewerTeams: [],
        autoApplyOnApproval: false,
        serviceTokensCanReview: false,
        conditions: ['rolloutIncrease'],
        rolloutIncreaseThreshold: 10000,
        source: 'environment',
      });
    });

    it('a writer raising B by 5000 (5%) writes directly', async () => {
      const res = await patchAs(alice.api, project.key, flag.key, [
        { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [a]: 45000, [b]: 55000 } },
      ]);
      expect(res.response.status).toBe(200);
      expect(await weights()).toEqual([
        { variation: 0, weight: 45000 },
        { variation: 1, weight: 55000 },
      ]);
    });

    it('raising B by 20000 (20%) is refused with approval/required; nothing changes', async () => {
      const res = await patchAs(alice.api, project.key, flag.key, [
        { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [a]: 25000, [b]: 75000 } },
      ]);
      expect(res.response.status).toBe(403);
      expect(res.error?.code).toBe('approval/required');
      expect(res.error?.detail).toContain('by 20000 thousandths (threshold 10000)');
      expect(await weights()).toEqual([
        { variation: 0, weight: 45000 },
        { variation: 1, weight: 55000 },
      ]);
    });

    it('the same 20% raise as a change request needs one approval, then applies', async () => {
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [a]: 25000, [b]: 75000 } }],
      });
      expect(cr).toMatchObject({ status: 'pending', approvalsRequired: 1 });
      expect(cr.approvalReasons).toEqual([expect.stringContaining('by 20000 thousandths (threshold 10000)')]);
      expect((await apply(alice.api, cr.id)).error?.code).toBe('approval/insufficient_approvals');
      expect(ok(await review(bob.api, cr.id, 'approve')).status).toBe('approved');
      expect(ok(await apply(alice.api, cr.id)).status).toBe('applied');
      expect(await weights()).toEqual([
        { variation: 0, weight: 25000 },
        { variation: 1, weight: 75000 },
      ]);
    });

    it('a rise of exactly the threshold (10000) is not "more than" it: direct write allowed', async () => {
      const res = await patchAs(alice.api, project.key, flag.key, [
        { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [a]: 15000, [b]: 85000 } },
      ]);
      expect(res.response.status).toBe(200);
      expect(await weights()).toEqual([
        { variation: 0, weight: 15000 },
        { variation: 1, weight: 85000 },
      ]);
    });

    it('a change below the threshold as a change request needs no approval (approvalsRequired 0, approved at once)', async () => {
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [a]: 10000, [b]: 90000 } }],
      });
      expect(cr).toMatchObject({ status: 'approved', approvalsRequired: 0, approvalReasons: [] });
    });
  });

  it('conditions [toggle]: a rule change applies directly, turnFlagOn needs approval', async () => {
    const project = await factory.project(owner, { environments: ['production'] });
    await setApprovalSettings(owner, project.key, 'production', { required: true, conditions: ['toggle'] });
    const flag = await factory.flag(owner, project.key);
    const on = flag.variations[0]._id;

    const rule = await patchAs(alice.api, project.key, flag.key, [
      {
        kind: 'addRule',
        ruleId: 'staff',
        clauses: [{ attribute: 'email', op: 'endsWith', values: ['@corp.example'] }],
        variationId: on,
      },
    ]);
    expect(rule.response.status).toBe(200);
    expect(rule.data?.environments.production).toMatchObject({ version: 2, rules: [{ _id: 'staff', variation: 0 }] });

    const toggle = await patchAs(alice.api, project.key, flag.key, [{ kind: 'turnFlagOn' }]);
    expect(toggle.response.status).toBe(403);
    expect(toggle.error?.code).toBe('approval/required');
    expect(toggle.error?.detail).toContain('turns the flag on');
    expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
      on: false,
      version: 2,
    });

    const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      instructions: [{ kind: 'turnFlagOn' }],
    });
    expect(cr).toMatchObject({
      status: 'pending',
      approvalsRequired: 1,
      approvalReasons: ['the change turns the flag on'],
    });
    ok(await review(bob.api, cr.id, 'approve'));
    expect(ok(await apply(carol.api, cr.id))).toMatchObject({ status: 'applied', appliedVersion: 3 });
  });
});
