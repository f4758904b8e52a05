/**
 * segmentMatch clauses name segments of their environment: a key the environment does not have is
 * refused (it would silently never match), a segment any rule names cannot be deleted, and an
 * archived flag whose rules name a segment gone since cannot be restored.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, type Instruction } from '../support/factories';
import type { SegmentInstruction } from '../support/governance';

const P = 'segrefs';

describe('segment references in rules', () => {
  let gantry: Gantry;
  let api: ApiClient;

  const patchFlag = (flagKey: string, envKey: string, instructions: Instruction[]) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: P, flagKey } },
      body: { environmentKey: envKey, instructions },
    });
  const patchSegment = (segmentKey: string, instructions: SegmentInstruction[], envKey = 'dev') =>
    api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: { projectKey: P, envKey, segmentKey } },
      body: { instructions },
    });
  const deleteSegment = (segmentKey: string, envKey = 'dev') =>
    api.DELETE('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: { projectKey: P, envKey, segmentKey } },
    });
  const segmentRule = (values: string[], attribute = '') => ({
    kind: 'addRule' as const,
    clauses: [{ attribute, op: 'segmentMatch' as const, values }],
  });
  const flagConfig = async (flagKey: string, envKey: string) =>
    ok(await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path: { projectKey: P, flagKey } } }))
      .environments[envKey];

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: ['dev', 'qa'] });
    await factory.segment(api, P, 'dev', { key: 'staff' });
    await factory.segment(api, P, 'qa', { key: 'qa-only' });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  async function ruledFlag(): Promise<{ key: string; trueId: string; ruleId: string; clauseId: string }> {
    const flag = await factory.flag(api, P);
    const trueId = flag.variations[0]._id;
    const patched = ok(await patchFlag(flag.key, 'dev', [{ ...segmentRule(['staff']), variationId: trueId }]));
    const rule = patched.environments.dev.rules[0];
    return { key: flag.key, trueId, ruleId: rule._id, clauseId: rule.clauses[0]._id };
  }

  it('refuses a flag rule naming a segment the environment does not have, naming the key, writing nothing', async () => {
    const { key, trueId, ruleId, clauseId } = await ruledFlag();
    const before = await flagConfig(key, 'dev');
    const attempts: [string, Instruction, string][] = [
      ['addRule', { ...segmentRule(['staff', 'ghost']), variationId: trueId }, 'clauses[0].values[1]'],
      // 'qa-only' exists, but in another environment.
      ['addRule', { ...segmentRule(['qa-only']), variationId: trueId }, 'clauses[0].values[0]'],
      [
        'addClauses',
        { kind: 'addClauses', ruleId, clauses: [{ attribute: '', op: 'segmentMatch', values: ['ghost'] }] },
        'clauses[0].values[0]',
      ],
      [
        'updateClause',
        { kind: 'updateClause', ruleId, clauseId, clause: { attribute: '', op: 'segmentMatch', values: ['ghost'] } },
        'clause.values[0]',
      ],
      ['addValuesToClause', { kind: 'addValuesToClause', ruleId, clauseId, values: ['ghost'] }, 'values[0]'],
    ];
    for (const [kind, instruction, field] of attempts) {
      const refused = await patchFlag(key, 'dev', [{ kind: 'turnFlagOn' }, instruction]);
      expect([kind, refused.response.status, refused.error?.code]).toEqual([kind, 400, 'patch/unknown_segment']);
      const missing = field === 'clauses[0].values[0]' && kind === 'addRule' ? 'qa-only' : 'ghost';
      expect(refused.error?.errors).toEqual([
        { index: 1, field, reason: `segment '${missing}' does not exist in this environment` },
      ]);
      expect(refused.error?.detail).toContain(missing);
    }
    expect(await flagConfig(key, 'dev')).toEqual(before);
  });

  it('accepts a segmentMatch clause with attribute "" (as LaunchDarkly data has it)', async () => {
    const flag = await factory.flag(api, P);
    const patched = ok(
      await patchFlag(flag.key, 'dev', [{ ...segmentRule(['staff'], ''), variationId: flag.variations[0]._id }]),
    );
    expect(patched.environments.dev.rules[0].clauses[0]).toMatchObject({
      attribute: '',
      op: 'segmentMatch',
      values: ['staff'],
    });
  });

  it('refuses a segment rule naming an unknown segment, and accepts a live one', async () => {
    await factory.segment(api, P, 'dev', { key: 'vip' });
    const refused = await patchSegment('vip', [
      { kind: 'addRule', clauses: [{ attribute: '', op: 'segmentMatch', values: ['ghost'] }] },
    ]);
    expect(refused.response.status).toBe(400);
    expect(refused.error?.code).toBe('patch/unknown_segment');
    expect(refused.error?.errors).toEqual([
      { index: 0, field: 'clauses[0].values[0]', reason: "segment 'ghost' does not exist in this environment" },
    ]);
    const accepted = ok(
      await patchSegment('vip', [
        { kind: 'addRule', clauses: [{ attribute: '', op: 'segmentMatch', values: ['staff'] }] },
      ]),
    );
    expect(accepted.rules[0].clauses[0].values).toEqual(['staff']);
  });

  it('refuses a change request whose instructions name an unknown segment', async () => {
    const flag = await factory.flag(api, P);
    const refused = await api.POST(
      '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests',
      {
        params: { path: { projectKey: P, flagKey: flag.key, envKey: 'dev' } },
        body: { instructions: [{ ...segmentRule(['ghost']), variationId: flag.variations[0]._id }] },
      },
    );
    expect(refused.response.status).toBe(400);
    expect(refused.error?.code).toBe('patch/unknown_segment');
    expect(refused.error?.errors?.[0]?.reason).toContain("'ghost'");
    const segmentRequest = await api.POST(
      '/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}/change-requests',
      {
        params: { path: { projectKey: P, envKey: 'dev', segmentKey: 'staff' } },
        body: {
          instructions: [{ kind: 'addRule', clauses: [{ attribute: '', op: 'segmentMatch', values: ['ghost'] }] }],
        },
      },
    );
    expect(segmentRequest.response.status).toBe(400);
    expect(segmentRequest.error?.code).toBe('patch/unknown_segment');
  });

  it('refuses to delete a segment named by an archived flag or by another segment, listing them', async () => {
    await factory.segment(api, P, 'dev', { key: 'used' });
    const archived = await factory.flag(api, P);
    ok(await patchFlag(archived.key, 'dev', [{ ...segmentRule(['used']), variationId: archived.variations[0]._id }]));
    await factory.patchFlag(api, P, archived.key, { instructions: [{ kind: 'archiveFlag' }] });
    await factory.segment(api, P, 'dev', { key: 'wrapper' });
    ok(
      await patchSegment('wrapper', [
        { kind: 'addRule', clauses: [{ attribute: '', op: 'segmentMatch', values: ['used'] }] },
      ]),
    );

    const refused = await deleteSegment('used');
    expect(refused.response.status).toBe(409);
    expect(refused.error?.code).toBe('segment/in_use');
    expect(refused.error?.detail).toContain(`flag '${archived.key}'`);
    expect(refused.error?.detail).toContain("segment 'wrapper'");
    expect(refused.error?.errors).toEqual([
      { field: `flags.${archived.key}`, reason: `flag '${archived.key}' has a rule matching this segment` },
      { field: 'segments.wrapper', reason: "segment 'wrapper' has a rule matching this segment" },
    ]);
    const still = await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: { projectKey: P, envKey: 'dev', segmentKey: 'used' } },
    });
    expect(still.response.status).toBe(200);

    // The wrapper drops its rule: the archived flag alone still holds the segment.
    const wrapper = ok(
      await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
        params: { path: { projectKey: P, envKey: 'dev', segmentKey: 'wrapper' } },
      }),
    );
    ok(await patchSegment('wrapper', [{ kind: 'removeRule', ruleId: wrapper.rules[0]._id }]));
    const again = await deleteSegment('used');
    expect(again.response.status).toBe(409);
    expect(again.error?.errors?.map((e) => e.field)).toEqual([`flags.${archived.key}`]);
  });

  it('refuses to restore an archived flag whose rules name a segment deleted since, naming it', async () => {
    await factory.segment(api, P, 'dev', { key: 'short-lived' });
    const flag = await factory.flag(api, P);
    ok(await patchFlag(flag.key, 'dev', [{ ...segmentRule(['short-lived']), variationId: flag.variations[0]._id }]));
    await factory.patchFlag(api, P, flag.key, { instructions: [{ kind: 'archiveFlag' }] });
    // A segment deleted before deletes were checked against rules: the state old data can be in.
    await gantry.sql(`UPDATE "Segment" SET "deleted" = true WHERE "key" = 'short-lived'`);

    const refused = await api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: P, flagKey: flag.key } },
      body: { instructions: [{ kind: 'restoreFlag' }] },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.code).toBe('patch/unknown_segment');
    expect(refused.error?.errors).toEqual([
      expect.objectContaining({
        index: 0,
        field: 'environments.dev.rules[0].clauses[0].values[0]',
        reason: expect.stringContaining("segment 'short-lived' does not exist in environment 'dev'"),
      }),
    ]);
    const after = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: P, flagKey: flag.key } },
      }),
    );
    expect(after.archived).toBe(true);

    // With the segment back, the restore goes through.
    await gantry.sql(`UPDATE "Segment" SET "deleted" = false WHERE "key" = 'short-lived'`);
    const restored = await factory.patchFlag(api, P, flag.key, {
      instructions: [{ kind: 'restoreFlag' }],
    });
    expect(restored.archived).toBe(false);
  });
});
