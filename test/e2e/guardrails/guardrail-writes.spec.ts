/**
 * Guardrail policies over writes, end to end (policy management and flag creation:
 * guardrails.spec.ts):
 * - PATCH: a block rule is 422 listing the rule (nothing written, exactly the maximum passes); a
 *   warn rule answers 200 with `warnings`, audited; environments outside the scope are not checked;
 * - segments: the same rules on segment changes;
 * - change requests: creation is refused on a block rule, carries warnings (REST and GraphQL)
 *   on a warn rule; a policy added after the request was opened blocks it at apply;
 * - governance: in an environment requiring approval, managing a policy covering it needs
 *   break-glass, and break-glass does not pass a block rule on a flag write.
 */
import { factory, ok, type Project } from '../../support/factories';
import { apply, openFlagRequest, review, setApprovalSettings } from '../../support/governance';
import { guardrailNode, patchFlag as patch, putPolicy, type PolicyBody } from '../../support/guardrails';

const BYPASS = { 'x-gantry-bypass-reason': 'guardrail e2e' };

describe('guardrail policies over writes', () => {
  const rails = guardrailNode();

  describe('PATCH', () => {
    let p: Project;
    beforeAll(async () => {
      p = await rails.newProject();
      await rails.policy(
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
      const f = await factory.flag(rails.writer.api, p.key, { variations: [true, false] });
      await factory.patchFlag(rails.writer.api, p.key, f.key, {
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
        await rails.owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: p.key, flagKey: f.key } },
        }),
      );
      const refused = await patch(rails.writer.api, p.key, f.key, {
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
        await rails.owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: p.key, flagKey: f.key } },
        }),
      );
      expect(after.environments.production.version).toBe(before.environments.production.version);

      const atMax = await factory.patchFlag(rails.writer.api, p.key, f.key, {
        environmentKey: 'production',
        instructions: [weights(10000)],
      });
      expect(atMax.warnings).toBeUndefined();
      expect(atMax.environments.production.fallthrough.rollout?.variations[0].weight).toBe(10000);
      // Staging is outside the policy's scope: any rise goes.
      await factory.patchFlag(rails.writer.api, p.key, f.key, {
        environmentKey: 'staging',
        instructions: [weights(100000)],
      });
    });

    it('answers a warn rule with 200 and warnings, audited; a block rule on clauses is 422', async () => {
      const f = await factory.flag(rails.writer.api, p.key);
      const written = await factory.patchFlag(rails.writer.api, p.key, f.key, {
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
      const audit = await rails.g.sql<{ links: { guardrailWarnings?: unknown[] } }>(
        `SELECT links FROM "AuditEntry" WHERE action = 'updateTargets' AND resource LIKE $1`,
        [`%:flag/${f.key}%`],
      );
      expect(audit[0].links.guardrailWarnings).toHaveLength(1);

      const clauses = await patch(rails.writer.api, p.key, f.key, {
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
      const staging = await factory.patchFlag(rails.writer.api, p.key, f.key, {
        environmentKey: 'staging',
        instructions: [{ kind: 'addTargets', variationId: f.variations[0]._id, values: ['bob'] }],
      });
      expect(staging.warnings).toBeUndefined();
    });

    it('applies to segments: individual targets warn, oversized clauses block', async () => {
      const s = await factory.segment(rails.writer.api, p.key, 'production');
      const warned = await factory.patchSegment(rails.writer.api, p.key, 'production', s.key, {
        instructions: [{ kind: 'addIncludedTargets', values: ['carol'] }],
      });
      expect(warned.warnings).toEqual([expect.objectContaining({ rule: 'forbidIndividualTargets' })]);
      const refused = await rails.writer.api.PATCH(
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
      p = await rails.newProject();
      await setApprovalSettings(rails.owner, p.key, 'production', { required: true, minApprovals: 1 });
    });

    it('managing a policy covering a gated environment needs break-glass; staging-only does not', async () => {
      const body: PolicyBody = {
        name: 'Targets',
        environmentKeys: ['production'],
        rules: [{ kind: 'forbidIndividualTargets', effect: 'warn' }],
      };
      const noReason = await putPolicy(rails.owner, p.key, 'targets', body);
      expect(noReason.error).toMatchObject({ status: 428, code: 'approval/bypass_reason_required' });
      ok(await putPolicy(rails.owner, p.key, 'targets', body, BYPASS));
      ok(await putPolicy(rails.owner, p.key, 'staging-only', { ...body, environmentKeys: ['staging'] }));
      const audit = await rails.g.sql<{ links: { approvalBypassed?: unknown[] } }>(
        `SELECT links FROM "AuditEntry" WHERE action = 'createGuardrailPolicy' AND links->>'guardrailPolicy' = 'targets'`,
      );
      expect(audit[0].links.approvalBypassed).toHaveLength(1);
      const delNoReason = await rails.owner.DELETE('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'targets' } },
      });
      expect(delNoReason.error).toMatchObject({ status: 428 });
    });

    it('a change request carries warnings (REST and GraphQL); a block rule refuses it at creation', async () => {
      const f = await factory.flag(rails.writer.api, p.key);
      const cr = await openFlagRequest(rails.writer.api, p.key, f.key, 'production', {
        instructions: [{ kind: 'addTargets', variationId: f.variations[0]._id, values: ['dave'] }],
      });
      expect(cr.warnings).toEqual([
        expect.objectContaining({ policy: 'targets', rule: 'forbidIndividualTargets', environment: 'production' }),
      ]);
      const read = ok(await rails.owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
      expect(read.warnings).toEqual(cr.warnings);
      const gql = await rails.g.raw('POST', '/graphql', {
        token: rails.g.ownerToken,
        body: {
          query: `query($id: String!) { changeRequest(id: $id) { id warnings { policy rule message environment } } }`,
          variables: { id: cr.id },
        },
      });
      expect(gql.body.errors).toBeUndefined();
      expect(gql.body.data.changeRequest.warnings).toEqual(cr.warnings);

      ok(
        await putPolicy(
          rails.owner,
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
      const refused = await rails.writer.api.POST(
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
      const rows = await rails.g.sql(`SELECT 1 FROM "ChangeRequest" WHERE "resourceKey" = $1`, [f.key]);
      expect(rows).toHaveLength(1);
    });

    it('a policy added after the request was opened blocks it at apply; break-glass does not pass a block rule', async () => {
      const f = await factory.flag(rails.writer.api, p.key);
      const cr = await openFlagRequest(rails.writer.api, p.key, f.key, 'production', {
        instructions: [{ kind: 'turnFlagOn' }, rollout0(f)],
      });
      expect(cr.warnings).toEqual([]);
      ok(await review(rails.owner, cr.id, 'approve'));
      ok(
        await putPolicy(
          rails.owner,
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
      const applied = await apply(rails.writer.api, cr.id);
      expect(applied.error).toMatchObject({
        status: 422,
        code: 'guardrail/violation',
        errors: [{ policy: 'late', rule: 'maxRolloutIncrease' }],
      });
      const flag = ok(
        await rails.owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: p.key, flagKey: f.key } },
        }),
      );
      expect(flag.environments.production.on).toBe(false);
      const after = ok(await rails.owner.GET('/api/v1/change-requests/{id}', { params: { path: { id: cr.id } } }));
      expect(after.status).toBe('approved');

      const breakGlass = await patch(
        rails.owner,
        p.key,
        f.key,
        { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }, rollout0(f)] },
        BYPASS,
      );
      expect(breakGlass.error).toMatchObject({ status: 422, code: 'guardrail/violation' });
    });
  });

  it('GraphQL: putGuardrailPolicy, guardrailPolicies and warnings on patchFlag', async () => {
    const p = await rails.newProject();
    const gql = (query: string, variables: Record<string, unknown>) =>
      rails.g.raw('POST', '/graphql', { token: rails.g.ownerToken, body: { query, variables } });
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

    const f = await factory.flag(rails.owner, p.key);
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
