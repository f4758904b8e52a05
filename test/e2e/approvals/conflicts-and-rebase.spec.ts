/**
 * What happens to a change request when its content or its flag moves:
 * - editing the instructions of an approved request resets the approval (the old review stops
 *   counting), while editing only the description keeps it;
 * - a flag changed underneath makes apply fail with change_request/conflict, reporting exactly the
 *   instructions whose part of the flag changed (the fallthrough; the rule list, but not another
 *   rule that stayed the same), and nothing is written;
 * - rebase moves the request onto the current version and resets its approvals, after which a fresh
 *   approval lets it apply; a rebase whose instructions no longer apply at all is a conflict too;
 * - apply with override skips the conflict check, but only for someone allowed to bypass approval
 *   (an admin, not a writer), and the flag write's audit entry records the override; it does not
 *   make instructions that no longer apply go through.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import {
  apply,
  auditOf,
  editChangeRequest,
  flagAuditResource,
  flagIn,
  getChangeRequest,
  memberWithToken,
  openFlagRequest,
  rebase,
  review,
} from '../../support/governance';

describe('change requests: edits, conflicts, rebase and override', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let alice: Awaited<ReturnType<typeof memberWithToken>>; // requester
  let bob: Awaited<ReturnType<typeof memberWithToken>>; // reviewer
  let carol: Awaited<ReturnType<typeof memberWithToken>>; // another writer
  let admin: Awaited<ReturnType<typeof memberWithToken>>;

  /**
   * The owner changes production directly, underneath a request: production is gated, so this is
   * break-glass and carries a reason (each such write also opens a retroactive review).
   */
  const ownerWrites = (flagKey: string, body: Schemas['PatchFlagDto']) =>
    factory.patchFlag(owner, project.key, flagKey, body, { bypassReason: 'test: a change underneath the request' });

  /** Boolean flags are created with variations [true, false]: index 0 serves true, 1 serves false. */
  const ids = (flag: Flag) => ({ on: flag.variations[0]._id, off: flag.variations[1]._id });

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [alice, bob, carol, admin] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'admin'),
    ]);
  });
  afterAll(() => g?.stop());

  it(
    'editing only the description keeps the approval; ' +
      'editing the instructions resets it (status pending, old review not current)',
    async () => {
      const flag = await factory.flag(owner, project.key);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        description: 'launch',
        instructions: [{ kind: 'turnFlagOn' }],
      });
      const approved = ok(await review(bob.api, cr.id, 'approve'));
      expect(approved).toMatchObject({ status: 'approved', approvals: { approvers: [bob.member.id], decliners: [] } });

      const described = ok(await editChangeRequest(alice.api, cr.id, { description: 'launch, for real' }));
      expect(described).toMatchObject({
        status: 'approved',
        description: 'launch, for real',
        contentHash: cr.contentHash,
        approvals: { approvers: [bob.member.id] },
      });
      expect(described.reviews).toHaveLength(1);
      expect(described.reviews[0]).toMatchObject({ decision: 'approve', current: true });

      const edited = ok(
        await editChangeRequest(alice.api, cr.id, {
          instructions: [{ kind: 'turnFlagOn' }, { kind: 'addTargets', variationId: ids(flag).on, values: ['qa-1'] }],
        }),
      );
      expect(edited.status).toBe('pending');
      expect(edited.contentHash).not.toBe(cr.contentHash);
      expect(edited.approvals).toEqual({ approvers: [], decliners: [], approvedBy: [], declinedBy: [] });
      expect(edited.reviews).toHaveLength(1);
      expect(edited.reviews[0]).toMatchObject({ decision: 'approve', current: false });
      expect(edited.baseVersion).toBe(1);
      expect(edited.description).toBe('launch, for real');

      // The reset is real: the old approval does not let it apply.
      const refused = await apply(alice.api, cr.id);
      expect(refused.response.status).toBe(409);
      expect(refused.error).toMatchObject({ code: 'approval/insufficient_approvals' });
      expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
        on: false,
        version: 1,
      });

      // A fresh approval of the new content applies both instructions.
      expect(ok(await review(bob.api, cr.id, 'approve')).status).toBe('approved');
      expect(ok(await apply(alice.api, cr.id))).toMatchObject({ status: 'applied', appliedVersion: 2 });
      const prod = (await flagIn(owner, project.key, flag.key)).environments.production;
      expect(prod.on).toBe(true);
      expect(prod.targets).toEqual([{ variation: 0, values: ['qa-1'] }]);
    },
  );

  it(
    'a flag changed underneath: apply is a 409 conflict naming only the instruction whose part changed; ' +
      'rebase resets approvals; then approve + apply works',
    async () => {
      const flag = await factory.flag(owner, project.key);
      const { on, off } = ids(flag);
      // 0 touches the on/off state (untouched underneath), 1 touches the fallthrough (changed underneath).
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateFallthroughVariationOrRollout', variationId: off }],
      });
      expect(cr.baseVersion).toBe(1);
      ok(await review(bob.api, cr.id, 'approve'));

      // The owner (bypass) changes the production fallthrough directly: version 1 → 2.
      await ownerWrites(flag.key, {
        environmentKey: 'production',
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [on]: 60000, [off]: 40000 } }],
      });

      const conflict = await apply(carol.api, cr.id);
      expect(conflict.response.status).toBe(409);
      expect(conflict.error?.code).toBe('change_request/conflict');
      expect(conflict.error?.errors).toHaveLength(1);
      const [reported] = conflict.error!.errors!;
      expect(reported).toMatchObject({ index: 1, field: 'updateFallthroughVariationOrRollout' });
      expect(reported.reason).toContain('fallthrough');
      expect(reported.reason).toContain('since version 1');

      // Nothing was written, and the request is untouched.
      const afterConflict = (await flagIn(owner, project.key, flag.key)).environments.production;
      expect(afterConflict).toMatchObject({
        on: false,
        version: 2,
        fallthrough: {
          rollout: {
            variations: [
              { variation: 0, weight: 60000 },
              { variation: 1, weight: 40000 },
            ],
          },
        },
      });
      expect(ok(await getChangeRequest(alice.api, cr.id))).toMatchObject({ status: 'approved', baseVersion: 1 });

      const rebased = ok(await rebase(alice.api, cr.id));
      expect(rebased).toMatchObject({ status: 'pending', baseVersion: 2, approvals: { approvers: [], decliners: [] } });
      expect(rebased.contentHash).not.toBe(cr.contentHash);
      expect(rebased.reviews.map((r) => r.current)).toEqual([false]);
      expect((await apply(carol.api, cr.id)).error).toMatchObject({ code: 'approval/insufficient_approvals' });

      expect(ok(await review(bob.api, cr.id, 'approve')).status).toBe('approved');
      expect(ok(await apply(carol.api, cr.id))).toMatchObject({ status: 'applied', appliedVersion: 3 });
      const prod = (await flagIn(owner, project.key, flag.key)).environments.production;
      expect(prod).toMatchObject({ on: true, version: 3, fallthrough: { variation: 1 } });
      expect(prod.fallthrough.rollout).toBeUndefined();
    },
  );

  it(
    'a rule added underneath: only the addRule instruction conflicts (the rule list changed); ' +
      'an edit of an existing rule that stayed the same, and turnFlagOn, do not',
    async () => {
      const flag = await factory.flag(owner, project.key);
      const { on, off } = ids(flag);
      await ownerWrites(flag.key, {
        environmentKey: 'production',
        instructions: [
          {
            kind: 'addRule',
            ruleId: 'employees',
            clauses: [{ attribute: 'email', op: 'endsWith', values: ['@corp.example'] }],
            variationId: on,
          },
        ],
      });
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [
          { kind: 'updateRuleVariationOrRollout', ruleId: 'employees', variationId: off },
          {
            kind: 'addRule',
            ruleId: 'germany',
            clauses: [{ attribute: 'country', op: 'in', values: ['de'] }],
            variationId: on,
          },
          { kind: 'turnFlagOn' },
        ],
      });
      expect(cr.baseVersion).toBe(2);
      ok(await review(bob.api, cr.id, 'approve'));
      // The owner adds another rule directly: version 2 → 3. Rule 'employees' itself is untouched.
      await ownerWrites(flag.key, {
        environmentKey: 'production',
        instructions: [
          {
            kind: 'addRule',
            ruleId: 'beta',
            clauses: [{ attribute: 'groups', op: 'in', values: ['beta'] }],
            variationId: on,
          },
        ],
      });

      const conflict = await apply(carol.api, cr.id);
      expect(conflict.response.status).toBe(409);
      expect(conflict.error?.code).toBe('change_request/conflict');
      expect(conflict.error?.errors).toEqual([
        { index: 1, field: 'addRule', reason: expect.stringContaining('rules changed since version 2') },
      ]);
      expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
        on: false,
        version: 3,
      });
    },
  );

  it(
    'override: a writer may not apply with override (403); ' +
      'an admin may, on the current version, and the audit entry of the write says override',
    async () => {
      const flag = await factory.flag(owner, project.key);
      const { on } = ids(flag);
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }],
      });
      ok(await review(bob.api, cr.id, 'approve'));
      // Changed underneath: a target for 'vip-1' (version 1 → 2).
      await ownerWrites(flag.key, {
        environmentKey: 'production',
        instructions: [{ kind: 'addTargets', variationId: on, values: ['vip-1'] }],
      });

      const byWriter = await apply(carol.api, cr.id, { override: true });
      expect(byWriter.response.status).toBe(403);
      expect(byWriter.error?.code).toBe('auth/forbidden');
      expect(ok(await getChangeRequest(alice.api, cr.id)).status).toBe('approved');
      expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
        on: false,
        version: 2,
      });

      const byAdmin = ok(await apply(admin.api, cr.id, { override: true, comment: 'hotfix window' }));
      expect(byAdmin).toMatchObject({ status: 'applied', appliedVersion: 3, baseVersion: 1 });
      const prod = (await flagIn(owner, project.key, flag.key)).environments.production;
      // Applied on top of the current version: the target added underneath is still there.
      expect(prod).toMatchObject({ on: true, version: 3, targets: [{ variation: 0, values: ['vip-1'] }] });

      const writes = await auditOf(owner, flagAuditResource(project.key, 'production', flag.key), 'updateOn');
      expect(writes).toHaveLength(1);
      expect(writes[0].actor).toMatchObject({ id: admin.member.id });
      expect(writes[0].links).toMatchObject({
        changeRequest: { id: cr.id, override: true, reviewers: [bob.member.id] },
      });
      expect(writes[0]).toMatchObject({ previousVersion: 2, currentVersion: 3 });
      const applies = await auditOf(
        owner,
        flagAuditResource(project.key, 'production', flag.key),
        'applyChangeRequest',
      );
      expect(applies).toHaveLength(1);
      expect(applies[0].links).toMatchObject({ changeRequest: cr.id, override: true });
    },
  );

  it(
    'a request whose instruction no longer applies (its rule was deleted underneath): ' +
      'rebase and apply are 409 conflicts, and the request keeps its base',
    async () => {
      const flag = await factory.flag(owner, project.key);
      const { on } = ids(flag);
      await ownerWrites(flag.key, {
        environmentKey: 'production',
        instructions: [
          {
            kind: 'addRule',
            ruleId: 'beta-testers',
            clauses: [{ attribute: 'groups', op: 'in', values: ['beta'] }],
            variationId: on,
          },
        ],
      });
      const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
        instructions: [{ kind: 'removeRule', ruleId: 'beta-testers' }],
      });
      expect(cr.baseVersion).toBe(2);
      ok(await review(bob.api, cr.id, 'approve'));
      // Someone removes the rule directly first (version 2 → 3).
      await ownerWrites(flag.key, {
        environmentKey: 'production',
        instructions: [{ kind: 'removeRule', ruleId: 'beta-testers' }],
      });

      const rebased = await rebase(alice.api, cr.id);
      expect(rebased.response.status).toBe(409);
      expect(rebased.error?.code).toBe('change_request/conflict');
      expect(rebased.error?.errors).toEqual([
        expect.objectContaining({ index: 0, reason: expect.stringContaining("rule 'beta-testers' does not exist") }),
      ]);
      expect(ok(await getChangeRequest(alice.api, cr.id))).toMatchObject({
        status: 'approved',
        baseVersion: 2,
        contentHash: cr.contentHash,
      });

      const applied = await apply(carol.api, cr.id);
      expect(applied.response.status).toBe(409);
      expect(applied.error?.code).toBe('change_request/conflict');
      expect(applied.error?.errors).toEqual([
        { index: 0, field: 'removeRule', reason: expect.stringContaining("rule 'beta-testers' does not exist") },
      ]);
      expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
        version: 3,
        rules: [],
      });

      // Override skips the version check, not validation: an instruction that cannot apply still cannot.
      const overridden = await apply(admin.api, cr.id, { override: true });
      expect(overridden.response.status).toBe(409);
      expect(overridden.error?.code).toBe('change_request/conflict');
      expect(ok(await getChangeRequest(alice.api, cr.id)).status).toBe('approved');
    },
  );
});
