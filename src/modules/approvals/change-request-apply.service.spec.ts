import type { ApprovalSettings } from '../../core/approval';
import { BUILTIN_ROLES, compilePolicy, type ResourceRef } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import { actorRef, type Actor } from '../accounts/models/actor';
import type { AuditRecord } from '../audit/audit.service';
import { PreApproval } from '../write-path/pre-approval';
import { ResourceWriters } from '../write-path/resource-writer';
import { FakeResourceWriter, type FakeInstruction } from '../write-path/resource-writer.fake';
import { ChangeRequestApplyService, type AuditRecorder } from './change-request-apply.service';
import { FakeChangeRequestScope, located } from './change-request-scope.fake';
import { FakeChangeRequestStore } from './change-requests.repository.fake';

const actor = (id: string, role: 'writer' | 'admin' = 'writer', kind: 'member' | 'token' = 'member'): Actor => ({
  kind,
  id,
  name: id,
  ...(kind === 'member' ? { memberId: id } : { tokenId: id }),
  policy: compilePolicy([{ source: `role:${role}`, statements: BUILTIN_ROLES[role] }]),
});
const alice = actor('alice'); // requester
const bob = actor('bob');
const dave = actor('dave');
const erin = actor('erin');
const carol = actor('carol'); // applies
const admin = actor('root', 'admin');
const ci = actor('ci', 'writer', 'token');

/** AuthorizationService.assert without Nest: the actor's own policy decides. */
const authz = {
  assert(a: Actor, action: string, resource: ResourceRef) {
    if (!a.policy.can(action, resource)) throw new Error(`${a.name} may not ${action}`);
  },
};

class RecordingAudit implements AuditRecorder {
  readonly entries: AuditRecord[] = [];
  async record(_tx: Tx, _actor: Actor, r: AuditRecord) {
    this.entries.push(r);
  }
}

const turnOn: FakeInstruction = { kind: 'turnFlagOn', field: 'on', value: true };
const serveOn: FakeInstruction = { kind: 'updateFallthroughVariationOrRollout', field: 'fallthrough', value: 'on' };

function setup(settings: Partial<ApprovalSettings> = {}, instructions: FakeInstruction[] = [turnOn, serveOn]) {
  const store = new FakeChangeRequestStore();
  const flags = new FakeResourceWriter('flag').seed('checkout', { on: false, fallthrough: 'off', name: 'Checkout' });
  const scope = new FakeChangeRequestScope(located(settings));
  const audit = new RecordingAudit();
  const writers = new ResourceWriters({
    flag: flags,
    segment: new FakeResourceWriter('segment'),
    environment: new FakeResourceWriter('environment'),
  });
  const service = new ChangeRequestApplyService(store, scope, writers, authz, audit);
  const { id } = store.add({
    resourceKind: 'flag',
    resourceKey: 'checkout',
    instructions,
    requester: actorRef(alice),
    approvalsRequired: settings.minApprovals ?? 1,
  });
  const review = (who: Actor, decision: 'approve' | 'decline') => store.review(id, actorRef(who), decision);
  const row = async () => (await store.find(id))!;
  return { store, flags, scope, audit, service, id, review, row };
}

describe('ChangeRequestApplyService', () => {
  it('applies an approved request: one locked read, one computation, one write carrying a PreApproval for its environment', async () => {
    const { flags, scope, audit, service, id, review, store } = setup();
    review(bob, 'approve');

    const view = await service.apply(carol, id, {});

    expect(view).toMatchObject({ status: 'applied', appliedVersion: 2 });
    expect(flags.calls).toEqual({ current: 0, dryRun: 0, lock: 1, compute: 1, conflicts: 0 });
    expect(flags.writes).toHaveLength(1);
    const [write] = flags.writes;
    expect(write.preApproved).toBeInstanceOf(PreApproval);
    expect(write.preApproved.environmentKey).toBe('production');
    expect(write.preApproved.links).toEqual({
      changeRequest: { id, requester: actorRef(alice), reviewers: ['bob'], override: false },
    });
    expect(write).toMatchObject({ key: 'checkout', actor: carol, comment: `change request ${id}` });
    expect(write.after).toEqual({ on: true, fallthrough: 'on', name: 'Checkout' });
    expect(store.locks).toEqual([id]);
    expect(view.history.at(-1)).toMatchObject({ status: 'applied', note: 'applied at version 2' });
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: 'applyChangeRequest',
        resource: 'proj/shop:env/production:flag/checkout',
        after: { status: 'applied', appliedVersion: 2 },
        links: { changeRequest: id, requester: actorRef(alice), reviewers: ['bob'], override: false },
      }),
    ]);
    expect(scope.events).toEqual([
      { event: 'change_request.applied', id, status: 'applied', extra: { appliedVersion: 2 } },
    ]);
  });

  it('counts approvals only from eligible reviewers: not the requester, not a service token, not outside reviewerTeams', async () => {
    const { store, flags, service, id, review, row } = setup({ minApprovals: 2, reviewerTeams: ['release-managers'] });
    store.teams.set('bob', ['release-managers']).set('dave', ['frontend']).set('erin', ['release-managers', 'sre']);
    review(alice, 'approve');
    review(ci, 'approve');
    review(dave, 'approve');
    review(bob, 'approve');

    await expect(service.apply(carol, id, {})).rejects.toMatchObject({
      code: 'approval/insufficient_approvals',
      status: 409,
      message: expect.stringContaining('has 1 of the 2 approvals'),
    });
    expect(flags.writes).toHaveLength(0);
    expect((await row()).appliedVersion).toBeNull();

    review(erin, 'approve');
    await service.apply(carol, id, {});
    expect(flags.writes.map((w) => w.preApproved.links)).toEqual([
      { changeRequest: expect.objectContaining({ reviewers: ['bob', 'erin'] }) },
    ]);
  });

  it('refuses a declined request, unless the environment lets declined changes apply', async () => {
    const refused = setup();
    refused.review(bob, 'approve');
    refused.review(dave, 'decline');
    await expect(refused.service.apply(carol, refused.id, {})).rejects.toMatchObject({
      code: 'approval/declined',
      status: 409,
      message: expect.stringContaining('declined by dave'),
    });
    expect(refused.flags.writes).toHaveLength(0);

    const allowed = setup({ canApplyDeclinedChanges: true });
    allowed.review(bob, 'approve');
    allowed.review(dave, 'decline');
    expect(await allowed.service.apply(carol, allowed.id, {})).toMatchObject({ status: 'applied' });
  });

  it('a resource changed since the base: 409 conflict naming each instruction whose part changed, nothing written', async () => {
    const { flags, audit, service, id, review, row } = setup();
    review(bob, 'approve');
    flags.change('checkout', { fallthrough: 'rollout' });
    const before = await row();

    await expect(service.apply(carol, id, {})).rejects.toMatchObject({
      code: 'change_request/conflict',
      status: 409,
      message: expect.stringContaining("flag 'checkout' changed since version 1 (now 2)"),
      errors: [
        {
          index: 1,
          field: 'updateFallthroughVariationOrRollout',
          reason: "'fallthrough' changed since the base version",
        },
      ],
    });
    expect(flags.calls).toMatchObject({ lock: 1, compute: 0, conflicts: 1 });
    expect(flags.writes).toHaveLength(0);
    expect(audit.entries).toHaveLength(0);
    expect(await row()).toEqual(before);
  });

  it('a move that touches no instruction is still a conflict, and a base no longer kept makes every instruction one', async () => {
    const unrelated = setup();
    unrelated.review(bob, 'approve');
    unrelated.flags.change('checkout', { name: 'Checkout v2' });
    await expect(unrelated.service.apply(carol, unrelated.id, {})).rejects.toMatchObject({
      code: 'change_request/conflict',
      errors: [{ reason: 'no instruction conflicts, but the reviewed configuration is not the current one' }],
    });

    const gone = setup();
    gone.review(bob, 'approve');
    gone.flags.change('checkout', { on: true });
    gone.flags.forget('checkout', 1);
    await expect(gone.service.apply(carol, gone.id, {})).rejects.toMatchObject({
      code: 'change_request/conflict',
      errors: [
        { index: 0, field: 'turnFlagOn', reason: 'version 1 is no longer in the history' },
        { index: 1, field: 'updateFallthroughVariationOrRollout', reason: 'version 1 is no longer in the history' },
      ],
    });
  });

  it('override skips the conflict check for someone allowed to bypass approval, and the history and the write say so', async () => {
    const { flags, store, service, id, review } = setup();
    review(bob, 'approve');
    flags.change('checkout', { fallthrough: 'rollout' });

    await expect(service.apply(carol, id, { override: true })).rejects.toThrow(/bypassRequiredApproval/);
    expect(store.locks).toEqual([]);
    expect(flags.calls.lock).toBe(0);

    const view = await service.apply(admin, id, { override: true, comment: 'hotfix' });
    expect(view).toMatchObject({ status: 'applied', appliedVersion: 3 });
    expect(view.history.at(-1)).toMatchObject({ note: 'applied with override at version 3' });
    expect(flags.calls.conflicts).toBe(0);
    expect(flags.writes).toHaveLength(1);
    expect(flags.writes[0]).toMatchObject({ comment: 'hotfix', after: { on: true, fallthrough: 'on' } });
    expect(flags.writes[0].preApproved.links).toEqual({
      changeRequest: { id, requester: actorRef(alice), reviewers: ['bob'], override: true },
    });
  });

  it('instructions that no longer apply are a conflict too, override or not', async () => {
    const { flags, service, id, review } = setup({}, [{ kind: 'removeRule', field: 'missing' }]);
    review(bob, 'approve');
    await expect(service.apply(admin, id, { override: true })).rejects.toMatchObject({
      code: 'change_request/conflict',
      status: 409,
      message: expect.stringContaining('the instructions no longer apply'),
    });
    expect(flags.writes).toHaveLength(0);
  });

  it('an applied request is not applied again', async () => {
    const { flags, service, id, review, row } = setup();
    review(bob, 'approve');
    await service.apply(carol, id, {});
    await expect(service.apply(carol, id, {})).rejects.toMatchObject({
      code: 'change_request/already_applied',
    });
    expect((await row()).status).toBe('applied');
    expect(flags.writes).toHaveLength(1);
  });
});

describe('ChangeRequestApplyService.refusal (what GET /change-requests/{id} offers)', () => {
  const at = located();

  it('answers what apply would: insufficient approvals, then allowed, then already applied', async () => {
    const { service, id, review, row } = setup();
    expect(await service.refusal(carol, await row(), at)).toMatchObject({ code: 'approval/insufficient_approvals' });
    review(alice, 'approve'); // the requester's own approval does not count
    expect(await service.refusal(carol, await row(), at)).toMatchObject({ code: 'approval/insufficient_approvals' });
    review(bob, 'approve');
    expect(await service.refusal(carol, await row(), at)).toBeNull();
    await service.apply(carol, id, {});
    expect(await service.refusal(carol, await row(), at)).toMatchObject({ code: 'change_request/already_applied' });
  });

  it('calls a request whose flag moved on stale (a conflict) before counting approvals, as apply does', async () => {
    const { service, id, review, row, flags } = setup();
    review(bob, 'approve');
    flags.change('checkout', { name: 'Checkout v2' });
    const refusal = await service.refusal(carol, await row(), at);
    expect(refusal).toMatchObject({ code: 'change_request/conflict' });
    await expect(service.apply(carol, id, {})).rejects.toMatchObject({ code: refusal!.code });
  });
});
