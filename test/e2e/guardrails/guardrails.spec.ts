/**
 * Guardrail policies, end to end:
 * - management: PUT creates and replaces, GET lists and reads, DELETE removes; bad input (unknown
 *   rule kind, bad pattern, negative numbers, unknown environment key) is one 400 guardrail/invalid
 *   naming each field; a writer reads policies but cannot manage them;
 * - flag creation: a key outside the pattern is 422 guardrail/violation and nothing is created;
 *   a warn rule lets it through with `warnings`;
 *
 * Writes under policies (PATCH, segments, change requests, governance): guardrail-writes.spec.ts.
 */
import { factory, ok, type Problem, type Project } from '../../support/factories';
import { guardrailNode, patchFlag as patch, putPolicy, type Rule } from '../../support/guardrails';

describe('guardrail policies', () => {
  const rails = guardrailNode();

  describe('management', () => {
    let p: Project;
    beforeAll(async () => {
      p = await rails.newProject();
    });

    it('creates, replaces, lists, reads and deletes a policy, audited', async () => {
      const created = await rails.policy(p.key, 'naming', [
        { kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' },
      ]);
      expect(created).toMatchObject({ key: 'naming', environmentKeys: null, version: 1 });
      const replaced = ok(
        await putPolicy(rails.owner, p.key, 'naming', {
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
        await rails.writer.api.GET('/api/v1/projects/{projectKey}/guardrail-policies', {
          params: { path: { projectKey: p.key } },
        }),
      );
      expect(list.items.map((x) => x.key)).toEqual(['naming']);
      const one = ok(
        await rails.owner.GET('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
          params: { path: { projectKey: p.key, key: 'naming' } },
        }),
      );
      expect(one.version).toBe(2);
      const del = await rails.owner.DELETE('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'naming' } },
      });
      expect(del.response.status).toBe(204);
      const gone = await rails.owner.GET('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'naming' } },
      });
      expect(gone.error).toMatchObject({ status: 404, code: 'guardrail/not_found' });
      const audit = await rails.g.sql<{ action: string }>(
        `SELECT action FROM "AuditEntry" WHERE links->>'guardrailPolicy' = 'naming' ORDER BY id`,
      );
      expect(audit.map((a) => a.action)).toEqual([
        'createGuardrailPolicy',
        'updateGuardrailPolicy',
        'deleteGuardrailPolicy',
      ]);
    });

    it('refuses bad input with one 400 naming each field, and writes nothing', async () => {
      const res = await putPolicy(rails.owner, p.key, 'bad', {
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
      const unknownEnv = await putPolicy(rails.owner, p.key, 'bad', {
        name: 'Bad',
        environmentKeys: ['nowhere'],
        rules: [{ kind: 'requireMaintainer', effect: 'warn' }],
      });
      expect(unknownEnv.error).toMatchObject({
        status: 400,
        code: 'guardrail/invalid',
        errors: [{ field: 'environmentKeys', reason: "no environment 'nowhere'" }],
      });
      const noRules = await putPolicy(rails.owner, p.key, 'bad', { name: 'Bad', rules: [] });
      expect(noRules.error).toMatchObject({ status: 400, code: 'guardrail/invalid' });
      const count = await rails.g.sql(`SELECT 1 FROM "GuardrailPolicy" WHERE key = 'bad'`);
      expect(count).toHaveLength(0);
    });

    it('a rails.writer cannot create, replace or delete policies (manageGuardrails)', async () => {
      await rails.policy(p.key, 'owned', [{ kind: 'requireMaintainer', effect: 'warn' }]);
      const put = await putPolicy(rails.writer.api, p.key, 'mine', {
        name: 'Mine',
        rules: [{ kind: 'requireMaintainer', effect: 'warn' }],
      });
      expect(put.error).toMatchObject({ status: 403, code: 'auth/forbidden' });
      const del = await rails.writer.api.DELETE('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: p.key, key: 'owned' } },
      });
      expect(del.error).toMatchObject({ status: 403, code: 'auth/forbidden' });
    });
  });

  describe('flag creation', () => {
    it('a key outside the pattern is refused and nothing is created; a warn rule comes back as warnings', async () => {
      const p = await rails.newProject();
      await rails.policy(p.key, 'naming', [{ kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' }]);
      await rails.policy(p.key, 'hygiene', [
        { kind: 'requiredTags', effect: 'warn', tags: ['owner'] },
        { kind: 'temporaryNeedsRemovalDate', effect: 'warn' },
      ]);
      const refused = await rails.writer.api.POST('/api/v1/projects/{projectKey}/flags', {
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
      const missing = await rails.owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: p.key, flagKey: 'checkout' } },
      });
      expect(missing.response.status).toBe(404);

      const created = await factory.flag(rails.writer.api, p.key, { key: 'team-checkout' });
      expect(created.warnings?.map((w) => [w.policy, w.rule])).toEqual([
        ['hygiene', 'requiredTags'],
        ['hygiene', 'temporaryNeedsRemovalDate'],
      ]);
      const compliant = await factory.flag(rails.writer.api, p.key, {
        key: 'team-compliant',
        tags: ['owner'],
        plannedRemovalDate: '2027-06-30',
      });
      expect(compliant.warnings).toBeUndefined();
      expect(compliant.plannedRemovalDate).toBe('2027-06-30');
    });

    it('requireMaintainer is met by maintainerId at creation or updateMaintainer later', async () => {
      const p = await rails.newProject();
      await rails.policy(p.key, 'owners', [{ kind: 'requireMaintainer', effect: 'block' }]);
      const refused = await rails.owner.POST('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey: p.key } },
        body: { key: 'f1', name: 'F1' },
      });
      expect(refused.error).toMatchObject({
        status: 422,
        code: 'guardrail/violation',
        errors: [{ rule: 'requireMaintainer' }],
      });
      const created = await factory.flag(rails.owner, p.key, { key: 'f1', maintainerId: rails.writer.member.id });
      expect(created.maintainerId).toBe(rails.writer.member.id);
      // Clearing the maintainer is a flag-level change the rule refuses.
      const cleared = await patch(rails.owner, p.key, 'f1', {
        instructions: [{ kind: 'updateMaintainer', value: null }],
      });
      expect(cleared.error).toMatchObject({ status: 422, code: 'guardrail/violation' });
    });
  });
});
