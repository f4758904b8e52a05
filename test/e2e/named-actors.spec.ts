/**
 * People are named, not numbered: change requests and their reviews, releases, pipeline runs,
 * scheduled changes and webhook payloads say who (name and email for members) and where (project,
 * environment and flag keys; the variation's value where one is referenced), not only ids.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, type Flag } from '../support/factories';
import { memberWithToken, openFlagRequest, review } from '../support/governance';
import { turnOn } from '../support/release-plans';
import { startReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

const P = 'named';
const ENV = 'staging';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('people are named, not numbered', () => {
  let g: Gantry;
  let owner: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let ada: Awaited<ReturnType<typeof memberWithToken>>;
  let rita: Awaited<ReturnType<typeof memberWithToken>>;
  let flag: Flag;
  const named = (m: { member: { id: string; name: string; email: string } }) => ({
    kind: 'member',
    id: m.member.id,
    name: m.member.name,
    email: m.member.email,
  });
  /** The bodies the receiver got for `event`, parsed (`data` is the event's payload). */
  const received = (event: string) =>
    receiver.received
      .filter((r) => r.headers['x-gantry-event'] === event)
      .map((r) => JSON.parse(r.body) as { data: Record<string, unknown> });
  const payloadOf = (body: { data: Record<string, unknown> }) => body.data;

  beforeAll(async () => {
    [g, receiver] = await Promise.all([
      startGantry({ role: 'all', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } }),
      startReceiver(),
    ]);
    owner = g.client(g.ownerToken);
    await factory.project(owner, { key: P, environments: [ENV] });
    flag = await factory.flag(owner, P, { key: 'checkout' });
    ada = await memberWithToken(g, owner, 'writer');
    rita = await memberWithToken(g, owner, 'writer');
    ok(await owner.POST('/api/v1/webhooks', { body: { name: 'all', url: receiver.url, events: ['*'] } }));
  });

  afterAll(async () => {
    await g?.stop();
    await receiver?.close();
  });

  it('a change request names its requester, its reviewers and who approved it (REST and GraphQL)', async () => {
    const cr = await openFlagRequest(ada.api, P, flag.key, ENV, {
      instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateOffVariation', variationId: flag.variations[0]._id }],
      description: 'launch',
    });
    expect(cr.variations).toEqual([{ id: flag.variations[0]._id, value: true }]);
    expect(cr.requester).toMatchObject(named(ada));
    ok(await review(rita.api, cr.id, 'approve', 'fine'));
    const seen = ok(await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
    expect(seen.reviews[0].reviewer).toMatchObject(named(rita));
    expect(seen.approvals.approvers).toEqual([rita.member.id]);
    expect(seen.approvals.approvedBy).toEqual([expect.objectContaining(named(rita))]);
    expect(seen.approvals.declinedBy).toEqual([]);
    expect(seen.variations).toEqual([{ id: flag.variations[0]._id, value: true }]);
    const listed = ok(await owner.GET('/api/v1/change-requests', { params: { query: { limit: 10 } } }));
    expect(listed.items.find((c) => c.id === cr.id)?.variations).toEqual(seen.variations);

    const gql = await g.raw('POST', '/graphql', {
      token: g.ownerToken,
      body: {
        query: `{ changeRequest(id: "${cr.id}") { approvals { approvers approvedBy { kind id name email } } variations { id value } } }`,
      },
    });
    expect(gql.body.data.changeRequest.approvals.approvedBy).toEqual([named(rita)]);
    expect(gql.body.data.changeRequest.variations).toEqual([{ id: flag.variations[0]._id, value: true }]);

    const reviewed = await waitFor('change_request.reviewed', () => received('change_request.reviewed')[0]);
    expect(payloadOf(reviewed)).toMatchObject({ projectKey: P, environmentKey: ENV, actor: named(rita) });
  });

  it('flag.updated carries the project, environment and flag keys and the actor who made the change', async () => {
    await factory.patchFlag(ada.api, P, flag.key, {
      environmentKey: ENV,
      instructions: [{ kind: 'addTags', values: ['x'] }],
    });
    const body = await waitFor('a flag.updated by Ada', () =>
      received('flag.updated').find((b) => JSON.stringify(b).includes(ada.member.email)),
    );
    expect(payloadOf(body)).toMatchObject({ projectKey: P, environmentKey: ENV, flagKey: flag.key, actor: named(ada) });
  });

  it('a release names who started it and the variation it serves; its webhooks name the actor', async () => {
    const release = ok(
      await ada.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
        params: { path: { projectKey: P, flagKey: flag.key, envKey: ENV } },
        body: { toVariationId: flag.variations[1]._id, stages: [{ weight: 100_000, durationMs: 3_600_000 }] },
      }),
    );
    expect(release.createdBy).toMatchObject(named(ada));
    expect(release.target).toMatchObject({ toVariationId: flag.variations[1]._id, toVariation: { value: false } });
    const started = await waitFor('release.started', () => received('release.started')[0]);
    expect(payloadOf(started)).toMatchObject({
      projectKey: P,
      environmentKey: ENV,
      flagKey: flag.key,
      actor: named(ada),
    });
    ok(
      await rita.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}/pause', {
        params: { path: { projectKey: P, flagKey: flag.key, envKey: ENV, id: release.id } },
      }),
    );
    const paused = await waitFor('release.paused', () => received('release.paused')[0]);
    expect(payloadOf(paused)).toMatchObject({ actor: named(rita), createdBy: expect.objectContaining(named(ada)) });
  });

  it('a scheduled change and a pipeline run name who made them, and the run its variation', async () => {
    const other = await factory.flag(owner, P, { key: 'piped' });
    const schedule = ok(
      await ada.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey: P, flagKey: other.key, envKey: ENV } },
        body: {
          executionDate: new Date(Date.now() + 86_400_000).toISOString(),
          instructions: [{ kind: 'turnFlagOn' }],
        },
      }),
    );
    expect(schedule.createdBy).toMatchObject(named(ada));
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
        params: { path: { projectKey: P } },
        body: {
          key: 'to-staging',
          name: 'To staging',
          phases: [{ name: 'one', audiences: [{ environmentKey: ENV, strategy: { kind: 'immediate' } }] }],
        },
      }),
    );
    await turnOn(owner, P, other.key, [ENV]); // a plan refuses to start where the flag is off
    const run = ok(
      await ada.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: { projectKey: P, flagKey: other.key } },
        body: { pipelineKey: 'to-staging', variationId: other.variations[1]._id },
      }),
    );
    expect(run).toMatchObject({ createdBy: expect.objectContaining(named(ada)), variation: { value: false } });
    const status = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: { projectKey: P, flagKey: other.key } },
      }),
    );
    expect(status).toMatchObject({ variationId: other.variations[1]._id, variation: { value: false } });
  });
});
