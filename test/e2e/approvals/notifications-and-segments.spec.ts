/**
 * Who hears about change requests, who may review them, and the segment twin:
 * - a webhook subscribed to the change_request.* events receives created, reviewed, approved and
 *   applied for one request, created, reviewed, declined and cancelled for another, each signed
 *   (HMAC-SHA256 of the body under the webhook's secret) and carrying id, status and resourceKey;
 * - service tokens: a writer token (CI) opens a request; another token's review is refused
 *   (approval/reviewer_not_allowed) until serviceTokensCanReview is set;
 * - reviewerTeams: a writer outside the team is refused, a team member approves;
 * - segments in a critical environment: a writer's direct PATCH is 403 approval/required, and the
 *   same change goes through as a segment change request;
 *
 * Review queues (awaitingMyReview) and autoApplyOnApproval: review-queue-and-auto-apply.spec.ts.
 */
import { createHmac } from 'node:crypto';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok } from '../../support/factories';
import {
  apply,
  cancel,
  flagIn,
  listChangeRequests,
  memberWithToken,
  openFlagRequest,
  openSegmentRequestCall,
  review,
  serviceTokenWithClient,
  setApprovalSettings,
} from '../../support/governance';
import { startReceiver } from '../../support/webhook-receiver';

const CHANGE_REQUEST_EVENTS = [
  'change_request.created',
  'change_request.reviewed',
  'change_request.approved',
  'change_request.declined',
  'change_request.applied',
  'change_request.failed',
  'change_request.cancelled',
] as const;

describe('change requests: notifications, service tokens, reviewer teams, segments', () => {
  let g: Gantry;
  let owner: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alice: Awaited<ReturnType<typeof memberWithToken>>; // writer, requester
  let bob: Awaited<ReturnType<typeof memberWithToken>>; // writer, reviewer
  let carol: Awaited<ReturnType<typeof memberWithToken>>; // writer
  const SECRET = 'cr-hook-secret-0123456789abcdef';

  beforeAll(async () => {
    [g, receiver] = await Promise.all([
      startGantry({
        role: 'all',
        env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1', GANTRY_PUBLIC_URL: 'https://gantry.example.com' },
      }),
      startReceiver(),
    ]);
    owner = g.client(g.ownerToken);
    [alice, bob, carol] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
    ]);
  });
  afterAll(async () => {
    await g?.stop();
    await receiver?.close();
  });

  const criticalProject = () =>
    factory.project(owner, { environments: ['staging', { key: 'production', name: 'Production', critical: true }] });

  it('a webhook on change_request.* receives each step of two flows, signed, with id, status and resourceKey', async () => {
    const hook = ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'change requests', url: receiver.url, secret: SECRET, events: [...CHANGE_REQUEST_EVENTS] },
      }),
    );
    expect(hook.events).toEqual([...CHANGE_REQUEST_EVENTS]);
    const project = await criticalProject();
    const flag = await factory.flag(owner, project.key);

    // Flow 1: created → reviewed + approved → applied.
    const applied = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      description: 'launch',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    ok(await review(bob.api, applied.id, 'approve', 'ship it'));
    ok(await apply(carol.api, applied.id));
    // Flow 2: created → reviewed + declined → cancelled.
    const declined = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      description: 'fallback',
      instructions: [{ kind: 'updateOffVariation', variationId: flag.variations[0]._id }],
    });
    ok(await review(bob.api, declined.id, 'decline', 'not now'));
    ok(await cancel(alice.api, declined.id));

    const parsed = () =>
      receiver.received.map((r) => ({
        ...r,
        json: JSON.parse(r.body) as { id: string; event: string; createdAt: string; data: Record<string, unknown> },
      }));
    const ofRequest = (id: string) => parsed().filter((r) => r.json.data.id === id);
    await eventually(
      () => {
        expect(ofRequest(applied.id)).toHaveLength(4);
        expect(ofRequest(declined.id)).toHaveLength(4);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    const seen = (id: string) =>
      ofRequest(id)
        .map((r) => `${r.json.event}:${String(r.json.data.status)}`)
        .sort();
    // The status is the request's status right after the step that emitted the event.
    expect(seen(applied.id)).toEqual([
      'change_request.applied:applied',
      'change_request.approved:approved',
      'change_request.created:pending',
      'change_request.reviewed:approved',
    ]);
    expect(seen(declined.id)).toEqual([
      'change_request.cancelled:cancelled',
      'change_request.created:pending',
      'change_request.declined:declined',
      'change_request.reviewed:declined',
    ]);

    for (const r of [...ofRequest(applied.id), ...ofRequest(declined.id)]) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-gantry-signature']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`,
      );
      expect(r.headers['x-gantry-event']).toBe(r.json.event);
      expect(r.headers['x-gantry-delivery']).toBe(r.json.id);
      expect(r.json.data).toMatchObject({
        resourceKey: flag.key,
        resourceKind: 'flag',
        projectKey: project.key,
        environmentKey: 'production',
        // The deep link to the console's page for the request, at the public address.
        consoleUrl: `https://gantry.example.com/ui/change-requests/${r.json.data.id as string}`,
      });
    }
    const reviewed = ofRequest(applied.id).find((r) => r.json.event === 'change_request.reviewed')!;
    expect(reviewed.json.data).toMatchObject({
      review: { decision: 'approve', comment: 'ship it' },
      actor: { id: bob.member.id },
      approvals: { approvers: [bob.member.id] },
    });
    const appliedEvent = ofRequest(applied.id).find((r) => r.json.event === 'change_request.applied')!;
    expect(appliedEvent.json.data).toMatchObject({ appliedVersion: 2, actor: { id: carol.member.id } });

    // Nothing else was sent: the receiver got exactly the 8 deliveries of these two requests.
    expect(receiver.received).toHaveLength(8);
    const deleted = await owner.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } });
    expect(deleted.response.status).toBe(204);
  });

  it('a service token (CI, writer) opens a request; another token may review only once serviceTokensCanReview is set', async () => {
    const project = await criticalProject();
    const flag = await factory.flag(owner, project.key);
    const [ci, bot] = await Promise.all([
      serviceTokenWithClient(g, owner, 'writer'),
      serviceTokenWithClient(g, owner, 'writer'),
    ]);

    const cr = await openFlagRequest(ci.api, project.key, flag.key, 'production', {
      description: 'from CI',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    expect(cr).toMatchObject({ status: 'pending', requester: { kind: 'token', id: ci.id } });

    const refused = await review(bot.api, cr.id, 'approve');
    expect(refused.response.status).toBe(403);
    expect(refused.error?.code).toBe('approval/reviewer_not_allowed');
    expect((await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } })).data).toMatchObject({
      status: 'pending',
      reviews: [],
    });

    await setApprovalSettings(owner, project.key, 'production', { serviceTokensCanReview: true });
    const approved = ok(await review(bot.api, cr.id, 'approve'));
    expect(approved).toMatchObject({ status: 'approved', approvals: { approvers: [bot.id] } });
    expect(ok(await apply(ci.api, cr.id))).toMatchObject({ status: 'applied', appliedVersion: 2 });
    expect((await flagIn(owner, project.key, flag.key)).environments.production.on).toBe(true);
  });

  it("reviewerTeams ['release-managers']: a writer outside the team is refused, a member of the team approves", async () => {
    const team = await owner.POST('/api/v1/teams', { body: { key: 'release-managers', name: 'Release managers' } });
    expect(team.response.status).toBe(201);
    const dave = await memberWithToken(g, owner, 'writer', ['release-managers']);
    expect(dave.member.teamKeys).toEqual(['release-managers']);
    const project = await criticalProject();
    const settings = await setApprovalSettings(owner, project.key, 'production', {
      reviewerTeams: ['release-managers'],
    });
    expect(settings).toMatchObject({ required: true, reviewerTeams: ['release-managers'], source: 'environment' });
    const flag = await factory.flag(owner, project.key);
    const cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      instructions: [{ kind: 'turnFlagOn' }],
    });

    const outsider = await review(bob.api, cr.id, 'approve');
    expect(outsider.response.status).toBe(403);
    expect(outsider.error?.code).toBe('approval/reviewer_not_allowed');
    expect(outsider.error?.detail).toContain('release-managers');

    const insider = ok(await review(dave.api, cr.id, 'approve'));
    expect(insider).toMatchObject({ status: 'approved', approvals: { approvers: [dave.member.id] } });
    expect(ok(await apply(alice.api, cr.id)).status).toBe('applied');
  });

  it(
    "segments in a critical environment: a writer's direct PATCH is 403 approval/required; " +
      'a segment change request applies the change',
    async () => {
      const project = await criticalProject();
      const segment = await factory.segment(owner, project.key, 'production', { included: [] });
      const segmentPath = { projectKey: project.key, envKey: 'production', segmentKey: segment.key };

      const direct = await alice.api.PATCH(
        '/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}',
        {
          params: { path: segmentPath },
          body: { instructions: [{ kind: 'addIncludedTargets', values: ['u-1'] }] },
        },
      );
      expect(direct.response.status).toBe(403);
      expect(direct.error?.code).toBe('approval/required');
      expect(direct.error?.detail).toContain(`/environments/production/segments/${segment.key}/change-requests`);

      const created = await openSegmentRequestCall(alice.api, project.key, 'production', segment.key, {
        instructions: [{ kind: 'addIncludedTargets', values: ['u-1'] }],
      });
      expect(created.response.status).toBe(201);
      const cr = ok(created);
      expect(cr).toMatchObject({
        resourceKind: 'segment',
        resourceKey: segment.key,
        status: 'pending',
        baseVersion: 1,
        approvalsRequired: 1,
      });
      ok(await review(bob.api, cr.id, 'approve'));
      expect(ok(await apply(carol.api, cr.id))).toMatchObject({ status: 'applied', appliedVersion: 2 });

      const after = ok(
        await owner.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
          params: { path: segmentPath },
        }),
      );
      expect(after).toMatchObject({ included: ['u-1'], version: 2 });
      const listed = await listChangeRequests(owner, {
        projectKey: project.key,
        resourceKind: 'segment',
        resourceKey: segment.key,
      });
      expect(listed.items.map((i) => [i.id, i.status])).toEqual([[cr.id, 'applied']]);
    },
  );
});
