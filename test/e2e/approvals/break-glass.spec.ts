/**
 * Break-glass instead of silent bypass: a direct write that needs approval and is allowed only
 * because the actor holds bypassRequiredApproval must carry a reason (else 428), says so in the
 * response (field and header), audits the reason, fires a webhook, counts, and opens a retroactive
 * review (`bypassed`) that the environment's reviewers acknowledge or flag as an incident.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, metricValue } from '../../support/delivery';
import { factory, ok, type Project } from '../../support/factories';
import {
  apply,
  auditOf,
  flagAuditResource,
  flagIn,
  getChangeRequest,
  listChangeRequests,
  memberWithToken,
  review,
} from '../../support/governance';
import { startReceiver } from '../../support/webhook-receiver';

describe('break-glass', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: Awaited<ReturnType<typeof memberWithToken>>;
  let alice: Awaited<ReturnType<typeof memberWithToken>>;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    [g, receiver] = await Promise.all([
      startGantry({ role: 'all', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } }),
      startReceiver(),
    ]);
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [admin, alice, bob] = await Promise.all([
      memberWithToken(g, owner, 'admin'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
    ]);
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'bypasses', url: receiver.url, events: ['approval.bypassed', 'change_request.incident'] },
      }),
    );
  });
  afterAll(async () => {
    await g?.stop();
    await receiver?.close();
  });

  const patchProduction = (api: ApiClient, flagKey: string, extra: { header?: string; body?: string } = {}) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey } },
      headers: extra.header ? { 'x-gantry-bypass-reason': extra.header } : {},
      body: {
        environmentKey: 'production',
        instructions: [{ kind: 'turnFlagOn' }],
        ...(extra.body ? { bypass: { reason: extra.body } } : {}),
      },
    });

  it('an admin without a reason is refused with 428 and nothing changes; a staging write needs none', async () => {
    const flag = await factory.flag(owner, project.key);
    const refused = await patchProduction(admin.api, flag.key);
    expect(refused.response.status).toBe(428);
    expect(refused.error).toMatchObject({ code: 'approval/bypass_reason_required' });
    expect((refused.error as { detail: string }).detail).toContain('X-Gantry-Bypass-Reason');
    expect((await flagIn(owner, project.key, flag.key)).environments.production).toMatchObject({
      on: false,
      version: 1,
    });
    const blank = await patchProduction(admin.api, flag.key, { body: ' ' });
    expect(blank.error).toMatchObject({ code: 'approval/bypass_reason_required' });

    const staging = await admin.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey: flag.key } },
      body: { environmentKey: 'staging', instructions: [{ kind: 'turnFlagOn' }] },
    });
    expect(staging.response.status).toBe(200);
    expect(staging.response.headers.get('x-gantry-approval-bypassed')).toBeNull();
    expect(ok(staging).approvalBypassed).toBeUndefined();
  });

  it('a writer giving a reason is still refused: the reason is not a permission', async () => {
    const flag = await factory.flag(owner, project.key);
    const refused = await patchProduction(alice.api, flag.key, { header: 'I really need this' });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'approval/required' });
    expect((await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items).toEqual([]);
  });

  it('with a reason: applied, signalled, audited, counted, announced, and a retroactive review opened', async () => {
    const flag = await factory.flag(owner, project.key);
    const res = await patchProduction(admin.api, flag.key, { header: 'incident 4711: checkout down' });
    expect(res.response.status).toBe(200);
    expect(res.response.headers.get('x-gantry-approval-bypassed')).toBe('true');
    const body = ok(res);
    expect(body.environments.production).toMatchObject({ on: true, version: 2 });
    expect(body.approvalBypassed).toEqual([
      { environment: 'production', reason: 'incident 4711: checkout down', reviewId: expect.any(String) },
    ]);
    const reviewId = body.approvalBypassed![0].reviewId;

    const retro = ok(await getChangeRequest(owner, reviewId));
    expect(retro).toMatchObject({
      status: 'bypassed',
      resourceKind: 'flag',
      resourceKey: flag.key,
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOn' }],
      baseVersion: 1,
      appliedVersion: 2,
      description: 'break-glass: incident 4711: checkout down',
      requester: { id: admin.member.id },
    });
    expect(retro.approvalReasons.length).toBeGreaterThan(0);

    const [entry] = await auditOf(owner, flagAuditResource(project.key, 'production', flag.key), 'updateOn');
    expect(entry.links).toMatchObject({
      approvalBypassed: [
        { environment: 'production', bypassReason: 'incident 4711: checkout down', retroactiveReview: reviewId },
      ],
    });

    const metrics = String((await g.raw('GET', '/metrics')).body);
    expect(metricValue(metrics, 'gantry_approval_gate_total', '{kind="flag",outcome="bypassed"}')).toBe(1);
    expect(
      metricValue(metrics, 'gantry_approval_gate_total', '{kind="flag",outcome="reason_required"}'),
    ).toBeGreaterThanOrEqual(1);

    await eventually(() => {
      const hook = receiver.received
        .map((r) => JSON.parse(r.body) as { event: string; data: any })
        .find((r) => r.event === 'approval.bypassed' && r.data.id === reviewId);
      expect(hook?.data).toMatchObject({
        status: 'bypassed',
        reason: 'incident 4711: checkout down',
        actor: { id: admin.member.id },
        resourceKey: flag.key,
      });
    });

    // Listed until acknowledged, in REST and GraphQL.
    const listed = await listChangeRequests(owner, { status: ['bypassed'] });
    expect(listed.items.map((r) => r.id)).toContain(reviewId);
    const gql = await g.raw<{ data: { changeRequests: { items: { id: string; status: string }[] } } }>(
      'POST',
      '/graphql',
      {
        headers: { authorization: `Bearer ${g.ownerToken}` },
        body: { query: '{ changeRequests(status: ["bypassed"]) { items { id status } } }' },
      },
    );
    expect(gql.body.data.changeRequests.items).toContainEqual({ id: reviewId, status: 'bypassed' });

    // It was applied already: it cannot be applied again, and its author cannot acknowledge it.
    expect((await apply(owner, reviewId)).error).toMatchObject({ code: 'change_request/not_open' });
    expect((await review(admin.api, reviewId, 'approve')).error).toMatchObject({ code: 'approval/self_review' });

    const acknowledged = ok(await review(bob.api, reviewId, 'approve', 'reviewed after the fact, fine'));
    expect(acknowledged.status).toBe('acknowledged');
    expect((await listChangeRequests(owner, { status: ['bypassed'] })).items.map((r) => r.id)).not.toContain(reviewId);
    expect((await review(alice.api, reviewId, 'decline')).error).toMatchObject({ code: 'change_request/not_open' });
  });

  it('the body form works too, and a decline flags the bypass as an incident', async () => {
    const flag = await factory.flag(owner, project.key);
    const body = ok(await patchProduction(admin.api, flag.key, { body: 'hotfix before review' }));
    const reviewId = body.approvalBypassed![0].reviewId;
    const incident = ok(await review(bob.api, reviewId, 'decline', 'this should have waited'));
    expect(incident.status).toBe('incident');
    await eventually(() =>
      expect(
        receiver.received.some((r) => {
          const hook = JSON.parse(r.body) as { event: string; data: { id: string } };
          return hook.event === 'change_request.incident' && hook.data.id === reviewId;
        }),
      ).toBe(true),
    );
  });

  it('segments: the same break-glass, with its retroactive review', async () => {
    const segment = await factory.segment(owner, project.key, 'production');
    const path = { projectKey: project.key, envKey: 'production', segmentKey: segment.key };
    const refused = await admin.api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path },
      body: { instructions: [{ kind: 'addIncludedTargets', values: ['u1'] }] },
    });
    expect(refused.response.status).toBe(428);
    const res = await admin.api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path },
      body: { instructions: [{ kind: 'addIncludedTargets', values: ['u1'] }], bypass: { reason: 'VIP escalation' } },
    });
    expect(res.response.headers.get('x-gantry-approval-bypassed')).toBe('true');
    const retro = ok(await getChangeRequest(owner, ok(res).approvalBypassed![0].reviewId));
    expect(retro).toMatchObject({ status: 'bypassed', resourceKind: 'segment', resourceKey: segment.key });
  });
});
