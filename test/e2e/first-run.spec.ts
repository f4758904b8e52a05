/**
 * The first-run flow an operator and a platform team go through, over HTTP with the typed client:
 * the owner token printed on first start, a project with two environments, flags, a targeting
 * change by semantic patch made directly in staging, the same change taken to the critical
 * production through a change request (opened by the owner, approved by a second member, applied;
 * the owner does not bypass approval), its history and its audit trail, and an environment added
 * later. It follows the README's first example (*Run it*). The steps build on each other, in order.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, type Flag, type Instruction, type Project } from '../support/factories';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SALT = /^[0-9a-f]{32}$/;

/** An environment config as a never-touched flag has it: off, the flag's defaults applied. */
const untouchedConfig = (offVariation: number, onVariation: number) => ({
  on: false,
  offVariation,
  fallthrough: { variation: onVariation },
  targets: [],
  contextTargets: [],
  rules: [],
  prerequisites: [],
  salt: expect.stringMatching(SALT),
  trackEvents: false,
  trackEventsFallthrough: false,
  version: 1,
});

describe('first run', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let project: Project;
  let checkout: Flag;
  let color: Flag;
  let stagingRuleId: string;
  let ruleId: string;
  let changeRequestId: string;
  let applyRequestId: string | null;
  let teammate: Awaited<ReturnType<typeof factory.member>>;

  /** The rule the flow adds, first in staging, then in production. */
  const staffRule = (variationId: string): Instruction => ({
    kind: 'addRule',
    description: 'staff',
    clauses: [
      { attribute: 'email', op: 'endsWith', values: ['@example.com'] },
      { contextKind: 'user', attribute: 'country', op: 'in', values: ['NL', 'BE'], negate: true },
    ],
    variationId,
  });
  /** The rule as stored, with ids of its own. */
  const storedStaffRule = {
    _id: expect.stringMatching(UUID),
    description: 'staff',
    clauses: [
      { _id: expect.stringMatching(UUID), attribute: 'email', op: 'endsWith', values: ['@example.com'], negate: false },
      {
        _id: expect.stringMatching(UUID),
        contextKind: 'user',
        attribute: 'country',
        op: 'in',
        values: ['NL', 'BE'],
        negate: true,
      },
    ],
    variation: 0,
    trackEvents: false,
  };

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('prints the owner token once on first start, and it authenticates as the owner', async () => {
    expect(gantry.stdout().split(gantry.ownerToken)).toHaveLength(2);

    const me = ok(await api.GET('/api/v1/me'));
    expect(me).toEqual({
      kind: 'member',
      id: expect.stringMatching(UUID),
      name: 'Owner',
      member: {
        id: me.id,
        email: 'owner@gantry.local',
        name: 'Owner',
        role: 'owner',
        customRoleKeys: [],
        teamKeys: [],
        active: true,
        externalId: null,
        createdAt: expect.any(String),
      },
    });

    const anonymous = await gantry.raw('GET', '/api/v1/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth/unauthenticated');
  });

  it('creates a project with its staging and production environments in one call', async () => {
    const { data, response } = await api.POST('/api/v1/projects', {
      body: {
        key: 'web',
        name: 'Web shop',
        environments: [
          { key: 'staging', name: 'Staging' },
          { key: 'production', name: 'Production', critical: true, color: 'ff0000' },
        ],
      },
    });
    expect(response.status).toBe(201);
    project = data!;
    expect(project.key).toBe('web');
    expect(project.name).toBe('Web shop');
    expect(project.environments.map((e) => e.key).sort()).toEqual(['production', 'staging']);
    const production = project.environments.find((e) => e.key === 'production')!;
    expect(production).toMatchObject({ name: 'Production', critical: true, color: 'ff0000' });
    expect(project.environments.find((e) => e.key === 'staging')).toMatchObject({
      name: 'Staging',
      critical: false,
      color: '417505',
    });

    const listed = ok(await api.GET('/api/v1/projects'));
    expect(listed.items.map((p) => p.key)).toEqual(['web']);
  });

  it('shows an environment with its SDK key, client-side id and mobile key', async () => {
    const production = ok(
      await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}', {
        params: { path: { projectKey: 'web', envKey: 'production' } },
      }),
    );
    const staging = ok(
      await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}', {
        params: { path: { projectKey: 'web', envKey: 'staging' } },
      }),
    );
    expect(production.key).toBe('production');
    expect(production.sdkKey).toMatch(/^sdk-[0-9a-f-]{36}$/);
    expect(production.mobileKey).toMatch(/^mob-[0-9a-f-]{36}$/);
    expect(production.clientSideId).toMatch(/^[0-9a-f]{24}$/);
    // Every environment has keys of its own.
    expect(staging.sdkKey).toMatch(/^sdk-/);
    expect(staging.sdkKey).not.toBe(production.sdkKey);
    expect(staging.mobileKey).not.toBe(production.mobileKey);
    expect(staging.clientSideId).not.toBe(production.clientSideId);
  });

  it('creates a boolean flag with a config per environment in the LaunchDarkly shape', async () => {
    const { data, response } = await api.POST('/api/v1/projects/{projectKey}/flags', {
      params: { path: { projectKey: 'web' } },
      body: { key: 'new-checkout', name: 'New checkout', description: 'the one-page checkout', tags: ['checkout'] },
    });
    expect(response.status).toBe(201);
    checkout = data!;
    expect(checkout).toEqual({
      key: 'new-checkout',
      name: 'New checkout',
      description: 'the one-page checkout',
      kind: 'boolean',
      variations: [
        { _id: expect.stringMatching(UUID), value: true },
        { _id: expect.stringMatching(UUID), value: false },
      ],
      tags: ['checkout'],
      temporary: true,
      archived: false,
      clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
      defaults: { onVariation: 0, offVariation: 1 },
      version: 1,
      environments: { staging: untouchedConfig(1, 0), production: untouchedConfig(1, 0) },
    });
    expect(checkout.variations[0]._id).not.toBe(checkout.variations[1]._id);
    expect(checkout.environments.staging.salt).not.toBe(checkout.environments.production.salt);

    const fetched = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: 'web', flagKey: 'new-checkout' } },
      }),
    );
    expect(fetched).toEqual(checkout);
  });

  it('creates a multivariate flag with string variations and its defaults', async () => {
    color = ok(
      await api.POST('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey: 'web' } },
        body: {
          key: 'button-color',
          name: 'Button color',
          variations: [
            { value: 'red', name: 'Red' },
            { value: 'green' },
            { value: 'blue', description: 'the control' },
          ],
          defaults: { onVariation: 2, offVariation: 0 },
          temporary: false,
        },
      }),
    );
    expect(color.kind).toBe('multivariate');
    expect(color.variations).toEqual([
      { _id: expect.stringMatching(UUID), value: 'red', name: 'Red' },
      { _id: expect.stringMatching(UUID), value: 'green' },
      { _id: expect.stringMatching(UUID), value: 'blue', description: 'the control' },
    ]);
    expect(color.temporary).toBe(false);
    expect(color.defaults).toEqual({ onVariation: 2, offVariation: 0 });
    expect(color.environments).toEqual({ staging: untouchedConfig(0, 2), production: untouchedConfig(0, 2) });

    const list = ok(await api.GET('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey: 'web' } } }));
    expect(list.items.map((f) => f.key).sort()).toEqual(['button-color', 'new-checkout']);
  });

  it('adds a targeting rule in staging by semantic patch: not critical, so it applies directly; production is untouched', async () => {
    const { data, response } = await api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: 'web', flagKey: 'new-checkout' } },
      body: {
        environmentKey: 'staging',
        comment: 'staff try the new checkout in staging',
        instructions: [staffRule(checkout.variations[0]._id)],
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gantry-approval-bypassed')).toBeNull();
    expect(data!.approvalBypassed).toBeUndefined();
    const staging = data!.environments.staging;
    expect(staging.version).toBe(2);
    expect(staging.rules).toEqual([storedStaffRule]);
    stagingRuleId = staging.rules[0]._id;
    expect({ ...staging, rules: [], version: 1 }).toEqual(checkout.environments.staging);
    expect(data!.environments.production).toEqual(checkout.environments.production);
    expect(data!.version).toBe(1); // the project-level part did not change
  });

  it(
    'takes the rule to production through a change request: the owner opens it, ' +
      'a second member approves, the owner applies; nobody bypasses approval',
    async () => {
      const instructions = [staffRule(checkout.variations[0]._id)];
      // production is critical: even the owner may not write directly without saying why (break-glass).
      const direct = await api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: 'web', flagKey: 'new-checkout' } },
        body: { environmentKey: 'production', instructions },
      });
      expect(direct.response.status).toBe(428);
      expect(direct.error?.code).toBe('approval/bypass_reason_required');
      expect(direct.error?.detail).toContain('/flags/new-checkout/environments/production/change-requests');

      const opened = await api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests',
        {
          params: { path: { projectKey: 'web', flagKey: 'new-checkout', envKey: 'production' } },
          body: { description: 'staff get the new checkout first', instructions },
        },
      );
      expect(opened.response.status).toBe(201);
      const cr = ok(opened);
      changeRequestId = cr.id;
      expect(cr).toMatchObject({
        status: 'pending',
        resourceKind: 'flag',
        resourceKey: 'new-checkout',
        environmentKey: 'production',
        baseVersion: 1,
        approvalsRequired: 1,
        approvalReasons: ['the environment requires approval for any change'],
      });

      // Nobody reviews their own request by default; a teammate with a token of their own does.
      const self = await api.POST('/api/v1/change-requests/{id}/reviews', {
        params: { path: { id: cr.id } },
        body: { decision: 'approve' },
      });
      expect(self.response.status).toBe(403);
      expect(self.error?.code).toBe('approval/self_review');
      teammate = await factory.member(api, { email: 'alice@example.com', name: 'Alice', role: 'writer' });
      const alice = gantry.client((await factory.token(api, { name: 'alice', memberId: teammate.id })).token);
      const approved = ok(
        await alice.POST('/api/v1/change-requests/{id}/reviews', {
          params: { path: { id: cr.id } },
          body: { decision: 'approve' },
        }),
      );
      expect(approved).toMatchObject({ status: 'approved', approvals: { approvers: [teammate.id] } });

      const applied = await api.POST('/api/v1/change-requests/{id}/apply', {
        params: { path: { id: cr.id } },
        body: { comment: 'staff get the new checkout first' },
      });
      expect(applied.response.status).toBe(200);
      expect(ok(applied)).toMatchObject({ status: 'applied', appliedVersion: 2 });
      applyRequestId = applied.response.headers.get('x-request-id');

      const fetched = ok(
        await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: 'web', flagKey: 'new-checkout' } },
        }),
      );
      const production = fetched.environments.production;
      expect(production.version).toBe(2);
      expect(production.rules).toEqual([storedStaffRule]);
      ruleId = production.rules[0]._id;
      expect(ruleId).not.toBe(stagingRuleId);
      expect({ ...production, rules: [], version: 1 }).toEqual(checkout.environments.production);
      expect(fetched.environments.staging.version).toBe(2);
      expect(fetched.version).toBe(1);
      // No approval was skipped, so there is no retroactive review to look at.
      const bypassed = ok(await api.GET('/api/v1/change-requests', { params: { query: { status: ['bypassed'] } } }));
      expect(bypassed.items).toEqual([]);
    },
  );

  it('keeps every version of the production config; version 1 has no rules', async () => {
    const path = { projectKey: 'web', flagKey: 'new-checkout', envKey: 'production' };
    const history = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path },
      }),
    );
    expect(history.items.map((v) => v.version)).toEqual([2, 1]);
    expect(history.next).toBeNull();
    expect(history.items[0].comment).toBe('staff get the new checkout first');
    expect(history.items[0].environment.rules.map((r) => r._id)).toEqual([ruleId]);

    const first = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions/{version}', {
        params: { path: { ...path, version: 1 } },
      }),
    );
    expect(first.version).toBe(1);
    expect(first.environment.rules).toEqual([]);
    expect(first.environment.version).toBe(1);
    expect(first.flag.key).toBe('new-checkout');
    expect(first.actor).toMatchObject({ kind: 'member', name: 'Owner' });

    const staging = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path: { ...path, envKey: 'staging' } },
      }),
    );
    // Staging has its own history: the direct rule change, with its own comment.
    expect(staging.items.map((v) => v.version)).toEqual([2, 1]);
    expect(staging.items[0].comment).toBe('staff try the new checkout in staging');
    expect(staging.items[0].environment.rules.map((r) => r._id)).toEqual([stagingRuleId]);

    const missing = await api.GET(
      '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions/{version}',
      { params: { path: { ...path, version: 3 } } },
    );
    expect(missing.response.status).toBe(404);
    expect(missing.error?.code).toBe('flag_version/not_found');
  });

  it('records the rule change in the audit log with before, after, the delta and the change request', async () => {
    const me = ok(await api.GET('/api/v1/me'));
    const log = ok(
      await api.GET('/api/v1/audit-log', {
        params: { query: { resource: 'proj/web:env/production:flag/new-checkout' } },
      }),
    );
    // Newest first: the request's life, with the write itself inside the apply.
    expect(log.items.map((e) => e.action)).toEqual([
      'applyChangeRequest',
      'updateRules',
      'reviewChangeRequest',
      'createChangeRequest',
    ]);
    const entry = log.items[1];
    expect(entry.resource).toBe('proj/web:env/production:flag/new-checkout');
    expect(entry.comment).toBe('staff get the new checkout first');
    expect(entry.actor).toMatchObject({ kind: 'member', id: me.id, memberId: me.id, name: 'Owner' });
    expect(entry.previousVersion).toBe(1);
    expect(entry.currentVersion).toBe(2);
    expect(entry.requestId).toBe(applyRequestId);
    // production is critical, so approval is required by default: the write is the approved request's, not a bypass.
    expect(entry.links).toEqual({
      instructions: ['addRule'],
      environments: ['production'],
      changeRequest: {
        id: changeRequestId,
        requester: expect.objectContaining({ id: me.id }),
        reviewers: [teammate.id],
        override: false,
      },
    });

    const before = entry.before as { environment: { rules: unknown[]; version: number } };
    const after = entry.after as { environment: { rules: { _id: string }[]; version: number } };
    expect(before.environment.rules).toEqual([]);
    expect(before.environment.version).toBe(1);
    expect(after.environment.rules.map((r) => r._id)).toEqual([ruleId]);
    expect(after.environment.version).toBe(2);
    expect(entry.delta).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/environment/version', value: 2 },
        { op: 'add', path: '/environment/rules/0', value: expect.objectContaining({ _id: ruleId, variation: 0 }) },
      ]),
    );
    expect(entry.delta).toHaveLength(2);

    // A wildcard specifier finds the staging change and the flag's creation (made for every environment) too, newest first.
    const all = ok(
      await api.GET('/api/v1/audit-log', { params: { query: { resource: 'proj/web:env/*:flag/new-checkout' } } }),
    );
    expect(all.items.map((e) => [e.action, e.resource])).toEqual([
      ['applyChangeRequest', 'proj/web:env/production:flag/new-checkout'],
      ['updateRules', 'proj/web:env/production:flag/new-checkout'],
      ['reviewChangeRequest', 'proj/web:env/production:flag/new-checkout'],
      ['createChangeRequest', 'proj/web:env/production:flag/new-checkout'],
      ['updateRules', 'proj/web:env/staging:flag/new-checkout'],
      ['createFlag', 'proj/web:env/*:flag/new-checkout'],
    ]);

    const single = ok(await api.GET('/api/v1/audit-log/{id}', { params: { path: { id: entry.id } } }));
    expect(single).toEqual(entry);
  });

  it('verifies the audit hash chain', async () => {
    const [{ count }] = await gantry.sql<{ count: number }>('SELECT count(*)::int AS count FROM "AuditEntry"');
    const verdict = ok(await api.GET('/api/v1/audit-log/verify'));
    expect(verdict).toEqual({ ok: true, checked: count });
    // bootstrap (2), project, two flags, the staging rule, the teammate and their token,
    // and the change request's creation, review, write and apply
    expect(count).toBeGreaterThanOrEqual(12);
  });

  it('gives an environment created later a config for every existing flag, from its defaults', async () => {
    const { data, response } = await api.POST('/api/v1/projects/{projectKey}/environments', {
      params: { path: { projectKey: 'web' } },
      body: { key: 'qa', name: 'QA' },
    });
    expect(response.status).toBe(201);
    expect(data!.sdkKey).toMatch(/^sdk-/);

    const flags = ok(await api.GET('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey: 'web' } } }));
    const byKey = Object.fromEntries(flags.items.map((f) => [f.key, f]));
    expect(Object.keys(byKey['new-checkout'].environments).sort()).toEqual(['production', 'qa', 'staging']);
    expect(byKey['new-checkout'].environments.qa).toEqual(untouchedConfig(1, 0));
    expect(byKey['button-color'].environments.qa).toEqual(untouchedConfig(0, 2));
    // The existing environments are untouched.
    expect(byKey['new-checkout'].environments.production.rules.map((r) => r._id)).toEqual([ruleId]);
    expect(byKey['new-checkout'].environments.production.version).toBe(2);

    const qaHistory = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path: { projectKey: 'web', flagKey: 'button-color', envKey: 'qa' } },
      }),
    );
    expect(qaHistory.items.map((v) => v.version)).toEqual([1]);

    // The new environment is usable at once through the same write path.
    const patched = await factory.patchFlag(api, 'web', 'button-color', {
      environmentKey: 'qa',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    expect(patched.environments.qa.on).toBe(true);
    expect(patched.environments.qa.version).toBe(2);
  });
});
