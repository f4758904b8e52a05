/**
 * Creating automation in an environment that requires approval is break-glass, like a direct write
 * there: a scheduled change, a release, a pipeline run and a trigger each write past the approval
 * later, so an admin must give a reason (else 428 and nothing is created), the creation says so
 * (field and header), keeps the reason on its creator, audits it, and opens a retroactive review
 * (`bypassed`) of what the automation will apply. A writer is refused (403) with or without one.
 * Editing a schedule's instructions there is break-glass again.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Project, type Schemas } from '../../support/factories';
import { auditOf, listChangeRequests, memberWithToken } from '../../support/governance';

type Created = {
  response: Response;
  data?: { id: string; createdBy: unknown; approvalBypassed?: Schemas['ApprovalBypassDto'][] };
  error?: unknown;
};

/** One kind of automation: how to create it, how to list what exists, what it will apply. */
interface Kind {
  name: string;
  auditAction: string;
  create(api: ApiClient, flag: Schemas['FlagDto'], bypass?: { body?: string; header?: string }): Promise<Created>;
  existing(flag: Schemas['FlagDto']): Promise<unknown[]>;
  applies(flag: Schemas['FlagDto']): unknown[];
}

describe('break-glass when creating automation in a gated environment', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let admin: Awaited<ReturnType<typeof memberWithToken>>;
  let writer: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    // API only: nothing created here should run; the tests are about creating it.
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [admin, writer] = await Promise.all([memberWithToken(g, owner, 'admin'), memberWithToken(g, owner, 'writer')]);
    ok(
      // The flags here are off: the plan turns the flag on itself (else the start is refused as unseen).
      await owner.POST('/api/v1/projects/{projectKey}/release-plans', {
        params: { path: { projectKey: project.key } },
        body: {
          key: 'straight-to-prod',
          name: 'Straight to production',
          phases: [{ environmentKey: 'production', strategy: { kind: 'immediate' }, turnFlagOn: true }],
        },
      }),
    );
  });
  afterAll(() => g?.stop());

  const flagEnv = (flagKey: string) => ({ projectKey: project.key, flagKey, envKey: 'production' });
  const headersOf = (bypass?: { header?: string }) =>
    bypass?.header ? { 'x-gantry-bypass-reason': bypass.header } : {};
  const bodyOf = (bypass?: { body?: string }) => (bypass?.body ? { bypass: { reason: bypass.body } } : {});
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  const kinds: Kind[] = [
    {
      name: 'scheduled change',
      auditAction: 'createScheduledChange',
      create: (api, flag, bypass) =>
        api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
          params: { path: flagEnv(flag.key) },
          headers: headersOf(bypass),
          body: { instructions: [{ kind: 'turnFlagOn' }], executionDate: inAnHour(), ...bodyOf(bypass) } as never,
        }),
      existing: async (flag) =>
        ok(
          await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
            params: { path: flagEnv(flag.key), query: {} },
          }),
        ).items,
      applies: () => [{ kind: 'turnFlagOn' }],
    },
    {
      name: 'release',
      auditAction: 'startRelease',
      create: (api, flag, bypass) =>
        api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
          params: { path: flagEnv(flag.key) },
          headers: headersOf(bypass),
          body: {
            toVariationId: flag.variations[1]._id,
            stages: [{ weight: 100_000, durationMs: 60_000 }],
            ...bodyOf(bypass),
          },
        }),
      existing: async (flag) =>
        ok(
          await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
            params: { path: flagEnv(flag.key) },
          }),
        ).items,
      applies: (flag) => [{ kind: 'updateFallthroughVariationOrRollout', variationId: flag.variations[1]._id }],
    },
    {
      name: 'pipeline run',
      auditAction: 'startPipelineRelease',
      create: (api, flag, bypass) =>
        api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
          params: { path: { projectKey: project.key, flagKey: flag.key } },
          headers: headersOf(bypass),
          body: { pipelineKey: 'straight-to-prod', variationId: flag.variations[1]._id, ...bodyOf(bypass) },
        }),
      existing: async (flag) => {
        const run = await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
          params: { path: { projectKey: project.key, flagKey: flag.key } },
        });
        if (run.response.status === 404) return [];
        return [ok(run)];
      },
      applies: (flag) => [
        { kind: 'turnFlagOn' },
        { kind: 'updateFallthroughVariationOrRollout', variationId: flag.variations[1]._id },
      ],
    },
    {
      name: 'trigger',
      auditAction: 'createTrigger',
      create: (api, flag, bypass) =>
        api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers', {
          params: { path: flagEnv(flag.key) },
          headers: headersOf(bypass),
          body: { name: 'kill switch', action: { kind: 'turnFlagOn' }, ...bodyOf(bypass) },
        }),
      existing: async (flag) =>
        ok(
          await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers', {
            params: { path: flagEnv(flag.key) },
          }),
        ).items,
      applies: () => [{ kind: 'turnFlagOn' }],
    },
  ];

  /** A two-variation flag serving the first to everyone, off. */
  const twoWayFlag = () =>
    factory.flag(owner, project.key, { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } });

  describe.each(kinds.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('an admin without a reason gets 428 and nothing is created', async () => {
      const flag = await twoWayFlag();
      const refused = await kind.create(admin.api, flag);
      expect(refused.response.status).toBe(428);
      expect(refused.error).toMatchObject({ code: 'approval/bypass_reason_required' });
      const blank = await kind.create(admin.api, flag, { header: ' ' });
      expect(blank.response.status).toBe(428);
      expect(await kind.existing(flag)).toEqual([]);
      expect((await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items).toEqual([]);
    });

    it('a writer is refused (403) even with a reason, and nothing is created', async () => {
      const flag = await twoWayFlag();
      const refused = await kind.create(writer.api, flag, { body: 'I really need this' });
      expect(refused.response.status).toBe(403);
      expect(refused.error).toMatchObject({ code: 'approval/required' });
      expect(await kind.existing(flag)).toEqual([]);
      expect((await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items).toEqual([]);
    });

    it('an admin with a reason creates it: signalled, kept on the creator, audited, a retroactive review opened', async () => {
      const flag = await twoWayFlag();
      const reason = `change window for ${kind.name}`;
      const res = await kind.create(admin.api, flag, { body: reason });
      expect(res.response.status).toBeLessThan(300);
      expect(res.response.headers.get('x-gantry-approval-bypassed')).toBe('true');
      const created = ok(res);
      expect(created.approvalBypassed).toEqual([{ environment: 'production', reason, reviewId: expect.any(String) }]);
      expect(created.createdBy).toMatchObject({ id: admin.member.id, bypassReason: reason });
      expect(await kind.existing(flag)).toHaveLength(1);

      const reviews = (await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items;
      expect(reviews).toEqual([
        expect.objectContaining({
          id: created.approvalBypassed![0].reviewId,
          status: 'bypassed',
          resourceKind: 'flag',
          resourceKey: flag.key,
          environmentKey: 'production',
          description: `break-glass: ${reason}`,
          instructions: kind.applies(flag),
          // Nothing is applied at creation: the review names the version the automation was checked against.
          baseVersion: 1,
          appliedVersion: 1,
        }),
      ]);
      // Nothing served changed yet.
      const now = ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: project.key, flagKey: flag.key } },
        }),
      );
      expect(now.environments.production).toMatchObject({ on: false, version: 1 });

      const [entry] = await auditOf(owner, `proj/${project.key}`, kind.auditAction).then((es) =>
        es.filter((e) => JSON.stringify(e.links ?? {}).includes(created.id)),
      );
      expect(entry.links).toMatchObject({
        approvalBypassed: [
          {
            environment: 'production',
            bypassReason: reason,
            reasons: expect.any(Array),
            retroactiveReview: created.approvalBypassed![0].reviewId,
          },
        ],
      });
    });
  });

  it('the reason may come in the X-Gantry-Bypass-Reason header', async () => {
    const flag = await twoWayFlag();
    const res = await kinds.find((k) => k.name === 'release')!.create(admin.api, flag, { header: 'hotfix rollout' });
    expect(res.response.status).toBe(201);
    expect(res.response.headers.get('x-gantry-approval-bypassed')).toBe('true');
    expect(ok(res).approvalBypassed).toEqual([
      { environment: 'production', reason: 'hotfix rollout', reviewId: expect.any(String) },
    ]);
    const reviews = (await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items;
    expect(reviews).toEqual([expect.objectContaining({ description: 'break-glass: hotfix rollout' })]);
  });

  it('in an environment that does not require approval, nothing changes: no reason, no review', async () => {
    const flag = await twoWayFlag();
    const res = await admin.api.POST(
      '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes',
      {
        params: { path: { ...flagEnv(flag.key), envKey: 'staging' } },
        body: { instructions: [{ kind: 'turnFlagOn' }], executionDate: inAnHour() } as never,
      },
    );
    expect(res.response.status).toBe(201);
    expect(res.response.headers.get('x-gantry-approval-bypassed')).toBeNull();
    expect(ok(res)).not.toHaveProperty('approvalBypassed');
    expect(ok(res).createdBy).toMatchObject({ bypass: false });
    expect((await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items).toEqual([]);
  });

  it("editing a schedule's instructions is break-glass again; moving its date is not", async () => {
    const flag = await twoWayFlag();
    const schedule = kinds[0];
    const created = ok(await schedule.create(admin.api, flag, { body: 'launch at noon' }));
    const edit = (body: Record<string, unknown>, bypassReason?: string) =>
      admin.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}', {
        params: { path: { ...flagEnv(flag.key), id: created.id } },
        headers: bypassReason ? { 'x-gantry-bypass-reason': bypassReason } : {},
        body: body as never,
      });
    const newContent = {
      instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateOffVariation', variationId: flag.variations[1]._id }],
    };
    const refused = await edit(newContent);
    expect([refused.response.status, (refused.error as { code?: string })?.code]).toEqual([
      428,
      'approval/bypass_reason_required',
    ]);
    const edited = await edit(newContent, 'also serve new when off');
    expect(edited.response.status).toBe(200);
    expect(edited.response.headers.get('x-gantry-approval-bypassed')).toBe('true');
    expect(ok(edited).createdBy).toMatchObject({ bypass: true, bypassReason: 'also serve new when off' });
    const moved = await edit({ executionDate: inAnHour() });
    expect(moved.response.status).toBe(200);
    expect(moved.response.headers.get('x-gantry-approval-bypassed')).toBeNull();
    const reviews = (await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items;
    expect(reviews.map((r) => r.description).sort()).toEqual([
      'break-glass: also serve new when off',
      'break-glass: launch at noon',
    ]);
    expect(reviews.find((r) => r.description.includes('also serve'))!.instructions).toEqual(newContent.instructions);
  });

  it('GraphQL takes the reason as input.bypassReason', async () => {
    const flag = await twoWayFlag();
    const mutation = `mutation($p: String!, $f: String!, $input: CreateScheduledChangeInput!) {
      createScheduledChange(projectKey: $p, flagKey: $f, environmentKey: "production", input: $input) { id createdBy }
    }`;
    const send = (input: Record<string, unknown>) =>
      g.raw('POST', '/graphql', {
        token: admin.token,
        body: {
          query: mutation,
          variables: { p: project.key, f: flag.key, input: { instructions: [{ kind: 'turnFlagOn' }], ...input } },
        },
      });
    const refused = await send({ executionDate: inAnHour() });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'approval/bypass_reason_required' });
    const created = await send({ executionDate: inAnHour(), bypassReason: 'from the console' });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createScheduledChange.createdBy).toMatchObject({
      bypass: true,
      bypassReason: 'from the console',
    });
    const reviews = (await listChangeRequests(owner, { status: ['bypassed'], resourceKey: flag.key })).items;
    expect(reviews).toEqual([expect.objectContaining({ description: 'break-glass: from the console' })]);
  });
});
