/**
 * GraphQL for approvers: the requester creates a change request by mutation, the reviewer finds
 * it in myPendingReviews, reads the diff, the impact over supplied contexts and the audit trail,
 * approves, and applies; cancel by mutation; domain errors keep their codes in extensions.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, type Project } from '../../support/factories';
import { memberWithToken } from '../../support/governance';

interface GqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('GraphQL for approvers', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let requester: Awaited<ReturnType<typeof memberWithToken>>;
  let reviewer: Awaited<ReturnType<typeof memberWithToken>>;

  const gql = async <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
    (await g.raw('POST', '/graphql', { token, body: { query, variables } })).body as GqlResult<T>;

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: [{ key: 'production', name: 'Production', critical: true }],
    });
    [requester, reviewer] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
    ]);
  });
  afterAll(() => g?.stop());

  it('create → myPendingReviews → diff, impact, reviews and audit trail → approve → apply', async () => {
    // Off serves 'old' (index 0), on serves 'new' (index 1) to everyone.
    const flag = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 1, offVariation: 0 },
    });
    const created = await gql<{ createFlagChangeRequest: { id: string; status: string } }>(
      requester.token,
      `
      mutation($p: String!, $f: String!, $e: String!, $input: CreateChangeRequestInput!) {
        createFlagChangeRequest(projectKey: $p, flagKey: $f, environmentKey: $e, input: $input) { id status }
      }`,
      {
        p: project.key,
        f: flag.key,
        e: 'production',
        input: { description: 'turn it on', instructions: [{ kind: 'turnFlagOn' }] },
      },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createFlagChangeRequest.id;
    expect(created.data!.createFlagChangeRequest.status).toBe('pending');

    const pendingForReviewer = await gql<{ myPendingReviews: { id: string }[] }>(
      reviewer.token,
      '{ myPendingReviews { id } }',
    );
    expect(pendingForReviewer.data!.myPendingReviews.map((r) => r.id)).toContain(id);
    const pendingForRequester = await gql<{ myPendingReviews: { id: string }[] }>(
      requester.token,
      '{ myPendingReviews { id } }',
    );
    expect(pendingForRequester.data!.myPendingReviews.map((r) => r.id)).not.toContain(id);

    const detail = await gql<{
      changeRequest: {
        instructions: unknown[];
        diff: { path: string; summary: string }[];
        impact: {
          contexts: { supplied: number; invalid: number };
          changed: number;
          flags: {
            flagKey: string;
            changed: number;
            transitions: {
              from: { variation: number; value: string };
              to: { variation: number; value: string };
              count: number;
            }[];
          }[];
        };
      };
    }>(
      reviewer.token,
      `
      query($id: String!, $input: ImpactInput) {
        changeRequest(id: $id) {
          instructions
          diff { path summary }
          impact(input: $input) { contexts { supplied invalid } changed flags { flagKey changed transitions { from to count } } }
        }
      }`,
      {
        id,
        input: {
          includeSample: false,
          contexts: [{ kind: 'user', key: 'a' }, { kind: 'user', key: 'b' }, { kind: 'user' }],
        },
      },
    );
    expect(detail.errors).toBeUndefined();
    const cr = detail.data!.changeRequest;
    expect(cr.instructions).toEqual([{ kind: 'turnFlagOn' }]);
    expect(cr.diff).toEqual([
      expect.objectContaining({ path: 'environment.on', summary: expect.stringMatching(/on/) }),
    ]);
    expect(cr.impact.contexts).toEqual({ supplied: 2, invalid: 1 });
    expect(cr.impact.changed).toBe(2);
    expect(cr.impact.flags).toEqual([
      {
        flagKey: flag.key,
        changed: 2,
        transitions: [{ from: { variation: 0, value: 'old' }, to: { variation: 1, value: 'new' }, count: 2 }],
      },
    ]);

    const approved = await gql<{
      reviewChangeRequest: { status: string; reviews: { decision: string; current: boolean }[] };
    }>(
      reviewer.token,
      `
      mutation($id: String!) {
        reviewChangeRequest(id: $id, decision: "approve", comment: "ship it") { status reviews { decision current } }
      }`,
      { id },
    );
    expect(approved.data!.reviewChangeRequest).toEqual({
      status: 'approved',
      reviews: [{ decision: 'approve', current: true }],
    });

    const applied = await gql<{ applyChangeRequest: { status: string; appliedVersion: number } }>(
      requester.token,
      `
      mutation($id: String!) { applyChangeRequest(id: $id) { status appliedVersion } }`,
      { id },
    );
    expect(applied.data!.applyChangeRequest).toEqual({ status: 'applied', appliedVersion: 2 });

    const trail = await gql<{ changeRequest: { diff: { path: string }[]; auditTrail: { action: string }[] } }>(
      reviewer.token,
      `
      query($id: String!) { changeRequest(id: $id) { diff { path } auditTrail { action } } }`,
      { id },
    );
    expect(trail.data!.changeRequest.auditTrail.map((e) => e.action)).toEqual([
      'createChangeRequest',
      'reviewChangeRequest',
      'updateOn',
      'applyChangeRequest',
    ]);
    expect(trail.data!.changeRequest.diff.map((d) => d.path)).toEqual(['environment.on']);
  });

  it('cancel by mutation; errors keep their domain codes', async () => {
    const flag = await factory.flag(owner, project.key);
    const created = await gql<{ createFlagChangeRequest: { id: string } }>(
      requester.token,
      `
      mutation($p: String!, $f: String!) {
        createFlagChangeRequest(
          projectKey: $p, flagKey: $f, environmentKey: "production", input: { instructions: [{ kind: "turnFlagOn" }] }
        ) { id }
      }`,
      { p: project.key, f: flag.key },
    );
    const id = created.data!.createFlagChangeRequest.id;

    const self = await gql(
      requester.token,
      'mutation($id: String!) { reviewChangeRequest(id: $id, decision: "approve") { status } }',
      { id },
    );
    expect(self.errors?.[0].extensions?.code).toBe('approval/self_review');

    const cancelled = await gql<{ cancelChangeRequest: { status: string } }>(
      requester.token,
      'mutation($id: String!) { cancelChangeRequest(id: $id) { status } }',
      { id },
    );
    expect(cancelled.data!.cancelChangeRequest.status).toBe('cancelled');

    const late = await gql(
      reviewer.token,
      'mutation($id: String!) { reviewChangeRequest(id: $id, decision: "approve") { status } }',
      { id },
    );
    expect(late.errors?.[0].extensions?.code).toBe('change_request/not_open');
  });
});
