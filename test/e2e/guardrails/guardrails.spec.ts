/**
 * Guardrail policies, end to end:
 * - management: PUT creates and replaces, GET lists and reads, DELETE removes; bad input (unknown
 *   rule kind, bad pattern, negative numbers, unknown environment key) is one 400 guardrail/invalid
 *   naming each field; a writer reads policies but cannot manage them;
 * - flag creation: a key outside the pattern is 422 guardrail/violation and nothing is created;
 *   a warn rule lets it through with `warnings`;
 * - PATCH: a block rule is 422 listing the rule (nothing written, exactly the maximum passes); a
 *   warn rule answers 200 with `warnings`, audited; environments outside the scope are not checked;
 * - segments: the same rules on segment changes;
 * - change requests: creation is refused on a block rule, carries warnings (REST and GraphQL)
 *   on a warn rule; a policy added after the request was opened blocks it at apply;
 * - governance: in an environment requiring approval, managing a policy covering it needs
 *   break-glass, and break-glass does not pass a block rule on a flag write.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Problem, type Project, type Schemas } from '../../support/factories';
import { apply, memberWithToken, openFlagRequest, review, setApprovalSettings } from '../../support/governance';

type PolicyBody = Schemas['PutGuardrailPolicyDto'];
type Rule = PolicyBody['rules'][number];

const BYPASS = { 'x-gantry-bypass-reason': 'guardrail e2e' };

describe('guardrail policies', () => {
  let g: Gantry;
  let owner: ApiClient;
  let writer: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    writer = await memberWithToken(g, owner, 'writer');
  });
  afterAll(() => g?.stop());

  const newProject = () => factory.project(owner, { environments: ['staging', 'production'] });

  const putPolicy = (api: ApiClient, projectKey: string, key: string, body: PolicyBody, headers = {}) =>
    api.PUT('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
      params: { path: { projectKey, key } },
      headers,
      body,
    });

  const policy = async (projectKey: string, key: string, rules: Rule[], environmentKeys?: string[]) =>
    ok(await putPolicy(owner, projectKey, key, { name: key, rules, ...(environmentKeys ? { environmentKeys } : {}) }));

  const patch = (api: ApiClient, projectKey: string, flagKey: string, body: Schemas['PatchFlagDto'], headers = {}) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey, flagKey } },
      headers,
      body,
    });

  describe('management', () => {
    let p: Project;
    beforeAll(async () => {
      p = await newProject();
    });

    it('creates, replaces, lists, reads and deletes a policy, audited', async () => {
      const created = await policy(p.key, 'naming', [{ kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' }]);
      expect(created).toMatchObject({ key: 'naming', environmentKeys: null, version: 1 });
      const replaced = ok(
        await putPolicy(owner, p.key, 'naming', {
          name: 'Naming',
          environmentKeys: ['production'],
          rules: [{ kind: 'maxClauseValues', effect: 'warn', max: 10 }],
        }),
      );
      expect(replaced).toMatchObject({
        name: 'Naming',
        environmentKeys: ['production'],
        rules: [{ kind: 'maxClauseValues', effect: 'warn', max: 10 }],
        version: 2,
      });
      const list = ok(
        await writer.api.GET('/api/v1/projects/{projectKey}/guardrail-policies', {
          params: { path: { projectKey: p.key } },
        }),
      );
      expect(list.items.map((x) => x.key)).toEqual(['naming']);
      const one = ok(
        await owner.GET('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
          params: { path: { projectKey: p.key, key: 'naming' } },
        }),
      );
      expect(one.version).toBe(2);
      const del = await owner.DELETE('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'naming' } },
      });
      expect(del.response.status).toBe(204);
      const gone = await owner.GET('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'naming' } },
      });
      expect(gone.error).toMatchObject({ status: 404, code: 'guardrail/not_found' });
      const audit = await g.sql<{ action: string }>(
        `SELECT action FROM "AuditEntry" WHERE links->>'guardrailPolicy' = 'naming' ORDER BY id`,
      );
      expect(audit.map((a) => a.action)).toEqual([
        'createGuardrailPolicy',
        'updateGuardrailPolicy',
        'deleteGuardrailPolicy',
      ]);
    });

    it('refuses bad input with one 400 naming each field, and writes nothing', async () => {
      const res = await putPolicy(owner, p.key, 'bad', {
        name: 'Bad',
        environmentKeys: ['production'],
        rules: [
          { kind: 'noSuchRule', effect: 'block' } as unknown as Rule,
          { kind: 'flagKeyPattern', effect: 'block', pattern: 'team-[a-z' },
          { kind: 'maxRolloutIncrease', effect: 'block', thousandths: -5 },
          { kind: 'maxClauseValues', effect: 'warn', max: -1 },
        ],
      });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({ code: 'guardrail/invalid' });
      expect((res.error as Problem).errors?.map((e) => e.field)).toEqual([
        'rules[0].kind',
        'rules[1].pattern',
        'rules[2].thousandths',
        'rules[3].max',
      ]);
      const unknownEnv = await putPolicy(owner, p.key, 'bad', {
        name: 'Bad',
        environmentKeys: ['nowhere'],
        rules: [{ kind: 'requireMaintainer', effect: 'warn' }],
      });
      expect(unknownEnv.error).toMatchObject({
        status: 400,
        code: 'guardrail/invalid',
        errors: [{ field: 'environmentKeys', reason: "no environment 'nowhere'" }],
      });
      const noRules = await putPolicy(owner, p.key, 'bad', { name: 'Bad', rules: [] });
      expect(noRules.error).toMatchObject({ status: 400, code: 'guardrail/invalid' });
      const count = await g.sql(`SELECT 1 FROM "GuardrailPolicy" WHERE key = 'bad'`);
      expect(count).toHaveLength(0);
    });

    it('a writer cannot create, replace or delete policies (manageGuardrails)', async () => {
      await policy(p.key, 'owned', [{ kind: 'requireMaintainer', effect: 'warn' }]);
      const put = await putPolicy(writer.api, p.key, 'mine', {
        name: 'Mine',
        rules: [{ kind: 'requireMaintainer', effect: 'warn' }],
      });
      expect(put.error).toMatchObject({ status: 403, code: 'auth/forbidden' });
      const del = await writer.api.DELETE('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'owned' } },
      });
      expect(del.error).toMatchObject({ status: 403, code: 'auth/forbidden' });
    });
  });

  describe('flag creation', () => {
    it('a key outside the pattern is refused and nothing is created; a warn rule comes back as warnings', async () => {
      const p = await newProject();
      await policy(p.key, 'naming', [{ kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' }]);
      await policy(p.key, 'hygiene', [
        { kind: 'requiredTags', effect: 'warn', tags: ['owner'] },
        { kind: 'temporaryNeedsRemovalDate', effect: 'warn' },
      ]);
      const refused = await writer.api.POST('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey: p.key } },
        body: { key: 'checkout', name: 'Checkout' },
      });
      expect(refused.response.status).toBe(422);
      expect(refused.error).toMatchObject({
        code: 'guardrail/violation',
        errors: [
          {
            policy: 'naming',
            rule: 'flagKeyPattern',
            reason: "flag key 'checkout' does not match the pattern 'team-*'",
          },
        ],
      });
      const missing = await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: p.key, flagKey: 'checkout' } },
      });
      expect(missing.response.status).toBe(404);

      const created = await factory.flag(writer.api, p.key, { key: 'team-checkout' });
      expect(created.warnings?.map((w) => [w.policy, w.rule])).toEqual([
        ['hygiene', 'requiredTags'],
        ['hygiene', 'temporaryNeedsRemovalDate'],
      ]);
      const compliant = await factory.flag(writer.api, p.key, {
        key: 'team-compliant',
        tags: ['owner'],
        plannedRemovalDate: '2027-06-30',
      });
      expect(compliant.warnings).toBeUndefined();
      expect(compliant.plannedRemovalDate).toBe('2027-06-30');
    });

    it('requireMaintainer is met by maintainerId at creation or updateMaintainer later', async () => {
      const p = await newProject();
      await policy(p.key, 'owners', [{ kind: 'requireMaintainer', effect: 'block' }]);
      const refused = await owner.POST('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey: p.key } },
        body: { key: 'f1', name: 'F1' },
      });
      expect(refused.error).toMatchObject({
        status: 422,
        code: 'guardrail/violation',
        errors: [{ rule: 'requireMaintainer' }],
      });
      const created = await factory.flag(owner, p.key, { key: 'f1', maintainerId: writer.member.id });
      expect(created.maintainerId).toBe(writer.member.id);
      // Clearing the maintainer is a flag-level change the rule refuses.
      const cleared = await patch(owner, p.key, 'f1', { instructions: [{ kind: 'updateMaintainer', value: null }] });
      expect(cleared.error).toMatchObject({ status: 422, code: 'guardrail/violation' });
    });
  });

  describe('PATCH', () => {
    let p: Project;
    beforeAll(async () => {
      p = await newProject();
      await policy(
        p.key,
        'prod-safety',
        [
          { kind: 'maxRolloutIncrease', effect: 'block', thousandths: 10000 },
          { kind: 'forbidIndividualTargets', effect: 'warn' },
          { kind: 'maxClauseValues', effect: 'block', max: 3 },
        ],
        ['production'],
      );
    });

    it('refuses a rollout rising past the maximum, writes nothing, and allows exactly the maximum', async () => {
      const f = await factory.flag(writer.api, p.key, { variations: [true, false] });
      await factory.patchFlag(writer.api, p.key, f.key, {
        environmentKey: 'production',
        // On, serving false to everyone, as it served while off: no rise.
        instructions: [
          { kind: 'turnFlagOn' },
          {
            kind: 'updateFallthroughVariationOrRollout',
            rolloutWeights: { [f.variations[0]._id]: 0, [f.variations[1]._id]: 100000 },
          },
        ],
      });
      const [t, fl] = [f.variations[0]._id, f.variations[1]._id];
      const weights = (trueWeight: number) => ({
        kind: 'updateFallthroughVariationOrRollout' as const,
        rolloutWeights: { [t]: trueWeight, [fl]: 100000 - trueWeight },
      });
      const before = ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: p.key, flagKey: f.key } },
        }),
      );
      const refused = await patch(writer.api, p.key, f.key, {
        environmentKey: 'production',
        instructions: [weights(10001)],
      });
      expect(refused.response.status).toBe(422);
      expect(refused.error).toMatchObject({
        code: 'guardrail/violation',
        errors: [
          {
            policy: 'prod-safety',
            rule: 'maxRolloutIncrease',
            environment: 'production',
            reason: expect.stringContaining('+10001'),
          },
        ],
      });
      const after = ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: p.key, flagKey: f.key } },
        }),
      );
      expect(after.environments.production.version).toBe(before.environments.production.version);

      const atMax = await factory.patchFlag(writer.api, p.key, f.key, {
        environmentKey: 'production',
        instructions: [weights(10000)],
      });
      expect(atMax.warnings).toBeUndefined();
      expect(atMax.environments.production.fallthrough.rollout?.variations[0].weight).toBe(10000);
      // Staging is outside the policy's scope: any rise goes.
      await factory.patchFlag(writer.api, p.key, f.key, { environmentKey: 'staging', instructions: [weights(100000)] });
    });

    it('answers a warn rule with 200 and warnings, audited; a block rule on clauses is 422', async () => {
      const f = await factory.flag(writer.api, p.key);
      const written = await factory.patchFlag(writer.api, p.key, f.key, {
        environmentKey: 'production',
        instructions: [{ kind: 'addTargets', variationId: f.variations[0]._id, values: ['alice'] }],
      });
      expect(written.warnings).toEqual([
        {
          policy: 'prod-safety',
          rule: 'forbidIndividualTargets',
          environment: 'production',
          message: 'individual targets are not allowed here (added: user:alice)',
        },
      ]);
      expect(written.environments.production.targets).toEqual([{ variation: 0, values: ['alice'] }]);
      const audit = await g.sql<{ links: { guardrailWarnings?: unknown[] } }>(
        `SELECT links FROM "AuditEntry" WHERE action = 'updateTargets' AND resource LIKE $1`,
        [`%:flag/${f.key}%`],
      );
      expect(audit[0].links.guardrailWarnings).toHaveLength(1);

      const clauses = await patch(writer.api, p.key, f.key, {
        environmentKey: 'production',
        instructions: [
          {
            kind: 'addRule',
            variationId: f.variations[0]._id,
            clauses: [{ attribute: 'key', op: 'in', values: ['a', 'b', 'c', 'd'] }],
          },
        ],
      });
      expect(clauses.error).toMatchObject({ status: 422, errors: [{ rule: 'maxClauseValues' }] });
      const staging = await factory.patchFlag(writer.api, p.key, f.key, {
        environmentKey: 'staging',
        instructions: [{ kind: 'addTargets', variationId: f.variations[0]._id, values: ['bob'] }],
      });
      expect(staging.warnings).toBeUndefined();
    });

    it('applies to segments: individual targets warn, oversized clauses block', async () => {
      const s = await factory.segment(writer.api, p.key, 'production');
      const warned = await factory.patchSegment(writer.api, p.key, 'production', s.key, {
        instructions: [{ kind: 'addIncludedTargets', values: ['carol'] }],
      });
      expect(warned.warnings).toEqual([expect.objectContaining({ rule: 'forbidIndividualTargets' })]);
      const refused = await writer.api.PATCH(
        '/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}',
        {
          params: { path: { projectKey: p.key, envKey: 'production', segmentKey: s.key } },
          body: {
            instructions: [
              { kind: 'addRule', clauses: [{ attribute: 'email', op: 'in', values: ['1', '2', '3', '4'] }] },
            ],
          },
        },
      );
      expect(refused.error).toMatchObject({
        status: 422,
        code: 'guardrail/violation',
        errors: [{ rule: 'maxClauseValues' }],
      });
    });
  });

  describe('change requests and governance', () => {
    let p: Project;
    beforeAll(async () => {
      p = await newProject();
      await setApprovalSettings(owner, p.key, 'production', { required: true, minApprovals: 1 });
    });

    it('managing a policy covering a gated environment needs break-glass; staging-only does not', async () => {
      const body: PolicyBody = {
        name: 'Targets',
        environmentKeys: ['production'],
        rules: [{ kind: 'forbidIndividualTargets', effect: 'warn' }],
      };
      const noReason = await putPolicy(owner, p.key, 'targets', body);
      expect(noReason.error).toMatchObject({ status: 428, code: 'approval/bypass_reason_required' });
      ok(await putPolicy(owner, p.key, 'targets', body, BYPASS));
      ok(await putPolicy(owner, p.key, 'staging-only', { ...body, environmentKeys: ['staging'] }));
      const audit = await g.sql<{ links: { approvalBypassed?: unknown[] } }>(
        `SELECT links FROM "AuditEntry" WHERE action = 'createGuardrailPolicy' AND links->>'guardrailPolicy' = 'targets'`,
      );
      expect(audit[0].links.approvalBypassed).toHaveLength(1);
      const delNoReason = await owner.DELETE('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'targets' } },
      });
      expect(delNoReason.error).toMatchObject({ status: 428 });
    });

    it('a change request carries warnings (REST and GraphQL); a block rule refuses it at creation', async () => {
      const f = await factory.flag(writer.api, p.key);
      const cr = await openFlagRequest(writer.api, p.key, f.key, 'production', {
        instructions: [{ kind: 'addTargets', variationId: f.variations[0]._id, values: ['dave'] }],
      });
      expect(cr.warnings).toEqual([
        expect.objectContaining({ policy: 'targets', rule: 'forbidIndividualTargets', environment: 'production' }),
      ]);
      const read = ok(await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
      expect(read.warnings).toEqual(cr.warnings);
      const gql = await g.raw('POST', '/graphql', {
        token: g.ownerToken,
        body: {
          query: `query($id: String!) { changeRequest(id: $id) { id warnings { policy rule message environment } } }`,
          variables: { id: cr.id },
        },
      });
      expect(gql.body.errors).toBeUndefined();
      expect(gql.body.data.changeRequest.warnings).toEqual(cr.warnings);

      ok(
        await putPolicy(
          owner,
          p.key,
          'rollouts',
          {
            name: 'Rollouts',
            environmentKeys: ['production'],
            rules: [{ kind: 'maxRolloutIncrease', effect: 'block', thousandths: 5000 }],
          },
          BYPASS,
        ),
      );
      const [t, fl] = [f.variations[0]._id, f.variations[1]._id];
      const refused = await writer.api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests',
        {
          params: { path: { projectKey: p.key, flagKey: f.key, envKey: 'production' } },
          body: {
            instructions: [
              { kind: 'turnFlagOn' },
              { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [t]: 20000, [fl]: 80000 } },
            ],
          },
        },
      );
      // The flag is off (everyone served false): turned on at 20% true, true rises by 20000 > 5000.
      expect(refused.error).toMatchObject({
        status: 422,
        code: 'guardrail/violation',
        errors: [{ policy: 'rollouts' }],
      });
      const rows = await g.sql(`SELECT 1 FROM "ChangeRequest" WHERE "resourceKey" = $1`, [f.key]);
      expect(rows).toHaveLength(1);
    });

    it('a policy added after the request was opened blocks it at apply; break-glass does not pass a block rule', async () => {
      const f = await factory.flag(writer.api, p.key);
      const cr = await openFlagRequest(writer.api, p.key, f.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }, rollout0(f)],
      });
      expect(cr.warnings).toEqual([]);
      ok(await review(owner, cr.id, 'approve'));
      ok(
        await putPolicy(
          owner,
          p.key,
          'late',
          {
            name: 'Late',
            environmentKeys: ['production'],
            rules: [{ kind: 'maxRolloutIncrease', effect: 'block', thousandths: 1000 }],
          },
          BYPASS,
        ),
      );
      // The request serves true to 2% (a rise of 2000 > 1000), so it no longer passes.
      const applied = await apply(writer.api, cr.id);
      expect(applied.error).toMatchObject({
        status: 422,
        code: 'guardrail/violation',
        errors: [{ policy: 'late', rule: 'maxRolloutIncrease' }],
      });
      const flag = ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: p.key, flagKey: f.key } },
        }),
      );
      expect(flag.environments.production.on).toBe(false);
      const after = ok(await owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
      expect(after.status).toBe('approved');

      const breakGlass = await patch(
        owner,
        p.key,
        f.key,
        { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }, rollout0(f)] },
        BYPASS,
      );
      expect(breakGlass.error).toMatchObject({ status: 422, code: 'guardrail/violation' });
    });
  });

  it('GraphQL: putGuardrailPolicy, guardrailPolicies and warnings on patchFlag', async () => {
    const p = await newProject();
    const gql = (query: string, variables: Record<string, unknown>) =>
      g.raw('POST', '/graphql', { token: g.ownerToken, body: { query, variables } });
    const put = await gql(
      `mutation($p: String!, $input: GuardrailPolicyInput!) {
        putGuardrailPolicy(projectKey: $p, key: "gql", input: $input) { key version environmentKeys rules }
      }`,
      { p: p.key, input: { name: 'GQL', rules: [{ kind: 'forbidIndividualTargets', effect: 'warn' }] } },
    );
    expect(put.body.errors).toBeUndefined();
    expect(put.body.data.putGuardrailPolicy).toEqual({
      key: 'gql',
      version: 1,
      environmentKeys: null,
      rules: [{ kind: 'forbidIndividualTargets', effect: 'warn' }],
    });
    const bad = await gql(
      `mutation($p: String!, $input: GuardrailPolicyInput!) { putGuardrailPolicy(projectKey: $p, key: "x", input: $input) { key } }`,
      { p: p.key, input: { name: 'X', rules: [{ kind: 'maxClauseValues', effect: 'warn', max: -3 }] } },
    );
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'guardrail/invalid' });
    const listed = await gql(`query($p: String!) { guardrailPolicies(projectKey: $p) { key } }`, { p: p.key });
    expect(listed.body.data.guardrailPolicies).toEqual([{ key: 'gql' }]);

    const f = await factory.flag(owner, p.key);
    const patched = await gql(
      `mutation($p: String!, $f: String!, $i: [JSON!]!) {
        patchFlag(projectKey: $p, flagKey: $f, environmentKey: "staging", instructions: $i) { key warnings { policy rule environment } }
      }`,
      { p: p.key, f: f.key, i: [{ kind: 'addTargets', variationId: f.variations[0]._id, values: ['eve'] }] },
    );
    expect(patched.body.errors).toBeUndefined();
    expect(patched.body.data.patchFlag.warnings).toEqual([
      { policy: 'gql', rule: 'forbidIndividualTargets', environment: 'staging' },
    ]);
    const deleted = await gql(`mutation($p: String!) { deleteGuardrailPolicy(projectKey: $p, key: "gql") }`, {
      p: p.key,
    });
    expect(deleted.body.data.deleteGuardrailPolicy).toBe(true);
  });
});

/** Serves true to 2% (turned on from off, where everyone was served false, a rise of 2000). */
function rollout0(f: { variations: { _id: string }[] }) {
  return {
    kind: 'updateFallthroughVariationOrRollout' as const,
    rolloutWeights: { [f.variations[0]._id]: 2000, [f.variations[1]._id]: 98000 },
  };
}
