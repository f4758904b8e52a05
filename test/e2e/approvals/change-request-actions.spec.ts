/**
 * GET /change-requests/{id} says what the caller may do now (`actions`), by the same checks the
 * mutations make: the author is refused review with approval/self_review (and the review itself is
 * refused with that code), another writer may review, apply opens up after approval, rebase only
 * when the flag moved on, and a closed request allows nothing. GraphQL's callerActions agrees.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Project } from '../../support/factories';
import {
  apply,
  cancel,
  getChangeRequest,
  memberWithToken,
  openFlagRequest,
  projectWithReviewers,
  review,
} from '../../support/governance';

describe('change request actions for the caller', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let alice: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;
  let reader: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    ({ project, alice, bob, reader } = await projectWithReviewers(g, owner));
  });
  afterAll(() => g?.stop());

  const actionsOf = async (api: ApiClient, id: string) => ok(await getChangeRequest(api, id)).actions;

  it('the author may not review their own request (self-review code), another writer may; apply after approval', async () => {
    const flag = await factory.flag(owner, project.key);
    const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      instructions: [{ kind: 'turnFlagOn' }],
    });

    const mine = await actionsOf(alice.api, cr.id);
    expect(mine.review).toMatchObject({ allowed: false, code: 'approval/self_review' });
    expect(mine.review.reason).toContain('own change requests');
    expect(mine.comment).toEqual({ allowed: true });
    expect(mine.cancel).toEqual({ allowed: true });
    expect(mine.apply).toMatchObject({ allowed: false, code: 'approval/insufficient_approvals' });
    expect(mine.rebase.allowed).toBe(false);
    // The read and the mutation agree: the review is refused with the same code.
    const refused = await review(alice.api, cr.id, 'approve');
    expect(refused.error).toMatchObject({ code: mine.review.code });

    const bobs = await actionsOf(bob.api, cr.id);
    expect(bobs.review).toEqual({ allowed: true });
    expect(bobs.cancel).toMatchObject({ allowed: false, code: 'change_request/not_requester' });
    const readers = await actionsOf(reader.api, cr.id);
    expect(readers.review).toMatchObject({ allowed: false, code: 'auth/forbidden' });
    expect(readers.apply).toMatchObject({ allowed: false, code: 'auth/forbidden' });

    ok(await review(bob.api, cr.id, 'approve'));
    expect((await actionsOf(alice.api, cr.id)).apply).toEqual({ allowed: true });
    expect((await actionsOf(bob.api, cr.id)).apply).toEqual({ allowed: true });

    // GraphQL answers the same from the same checks.
    const gql = await g.raw('POST', '/graphql', {
      token: alice.token,
      body: {
        query:
          'query($id: String!) { changeRequest(id: $id) { callerActions { review { allowed code } apply { allowed } } } }',
        variables: { id: cr.id },
      },
    });
    expect(gql.body).toMatchObject({
      data: {
        changeRequest: {
          callerActions: { review: { allowed: false, code: 'approval/self_review' }, apply: { allowed: true } },
        },
      },
    });

    ok(await apply(alice.api, cr.id));
    const closed = await actionsOf(bob.api, cr.id);
    for (const action of ['review', 'comment', 'apply', 'rebase', 'cancel'] as const)
      expect(closed[action].allowed).toBe(false);
    expect(closed.apply.code).toBe('change_request/already_applied');
    expect(closed.review.code).toBe('change_request/not_open');
  });

  it('rebase is offered to the author once the flag moved on; apply is refused as a conflict until then', async () => {
    const flag = await factory.flag(owner, project.key);
    const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      instructions: [{ kind: 'turnFlagOn' }],
    });
    ok(await review(bob.api, cr.id, 'approve'));
    await factory.patchFlag(
      owner,
      project.key,
      flag.key,
      {
        environmentKey: 'production',
        instructions: [
          {
            kind: 'updateFallthroughVariationOrRollout',
            rolloutWeights: { [flag.variations[0]._id]: 60000, [flag.variations[1]._id]: 40000 },
          },
        ],
      },
      { bypassReason: 'test: a change underneath the request' },
    );
    const stale = await actionsOf(alice.api, cr.id);
    expect(stale.rebase).toEqual({ allowed: true });
    expect(stale.apply).toMatchObject({ allowed: false, code: 'change_request/conflict' });
    expect((await apply(alice.api, cr.id)).error).toMatchObject({ code: 'change_request/conflict' });
    expect((await actionsOf(bob.api, cr.id)).rebase).toMatchObject({
      allowed: false,
      code: 'change_request/not_requester',
    });

    ok(await cancel(alice.api, cr.id));
    const closed = await actionsOf(alice.api, cr.id);
    expect(Object.values(closed).every((a) => !a.allowed)).toBe(true);
    expect(closed.cancel.code).toBe('change_request/not_open');
  });
});
