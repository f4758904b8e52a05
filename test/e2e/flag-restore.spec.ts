/**
 * Version restore end to end: a flag changed several times is restored to an old version and its
 * configuration then equals the stored version (read back from GET .../versions/{v}, not computed);
 * a dry run writes nothing; in a gated environment a writer's restore opens a change request that,
 * once approved and applied, yields the old configuration; break-glass writes directly; bad input
 * and what can no longer be restored are refused with their codes; the GraphQL twin does the same.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, type Flag, type Project, type Schemas } from '../support/factories';
import { apply, flagIn, memberWithToken, review } from '../support/governance';

type Config = Schemas['FlagEnvironmentConfigDto'];
type Instruction = Schemas['PatchFlagDto']['instructions'][number];

/** The configuration without what a write assigns itself: the version, and ids of clauses added back. */
function comparable(config: Config) {
  const { version: _version, ...rest } = config as Config & { version: number };
  return {
    ...rest,
    rules: (rest.rules ?? []).map((r) => ({
      ...r,
      clauses: r.clauses.map(({ _id: _ignored, ...clause }) => clause),
    })),
  };
}

describe('flag version restore', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
  });
  afterAll(() => g?.stop());

  const patch = (api: ApiClient, flagKey: string, envKey: string, instructions: Instruction[], reason?: string) =>
    factory.patchFlag(api, project.key, flagKey, {
      environmentKey: envKey,
      instructions,
      ...(reason ? { bypass: { reason } } : {}),
    });

  const restore = (
    api: ApiClient,
    flagKey: string,
    envKey: string,
    version: number,
    body: Schemas['RestoreFlagVersionDto'] = {},
  ) =>
    api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions/{version}/restore', {
      params: { path: { projectKey: project.key, flagKey, envKey, version } },
      body,
    });

  const stored = async (flagKey: string, envKey: string, version: number) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions/{version}', {
        params: { path: { projectKey: project.key, flagKey, envKey, version } },
      }),
    );

  const configNow = async (flagKey: string, envKey: string) =>
    (await flagIn(owner, project.key, flagKey)).environments[envKey];

  /** A multivariate flag changed four times in `envKey` (versions 2..5): rules, targets, rollouts, off. */
  async function flagWithHistory(envKey: string, reason?: string): Promise<{ flag: Flag; ids: string[] }> {
    const flag = await factory.flag(owner, project.key, { variations: ['a', 'b', 'c'] });
    const ids = flag.variations.map((v) => v._id);
    const [va, vb, vc] = ids;
    const email = { attribute: 'email', op: 'endsWith' as const, values: ['@acme.com'] };
    const plan = { attribute: 'plan', op: 'in' as const, values: ['gold', 'silver'] };
    await patch(
      owner,
      flag.key,
      envKey,
      [
        { kind: 'turnFlagOn' },
        { kind: 'addRule', ruleId: 'staff', clauses: [email], variationId: vb, description: 'staff' },
        { kind: 'addTargets', variationId: vc, values: ['alice', 'bob'] },
      ],
      reason,
    ); // v2
    await patch(
      owner,
      flag.key,
      envKey,
      [
        { kind: 'addRule', ruleId: 'paying', clauses: [plan, { ...email, negate: true }], variationId: vc },
        { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [va]: 60_000, [vb]: 40_000 } },
        { kind: 'addTargets', variationId: va, values: ['acme'], contextKind: 'org' },
        { kind: 'updateOffVariation', variationId: vc },
      ],
      reason,
    ); // v3
    await patch(
      owner,
      flag.key,
      envKey,
      [
        { kind: 'removeRule', ruleId: 'staff' },
        {
          kind: 'addRule',
          ruleId: 'beta',
          clauses: [{ attribute: 'beta', op: 'in', values: [true] }],
          variationId: va,
        },
        {
          kind: 'updateRuleVariationOrRollout',
          ruleId: 'paying',
          rolloutWeights: { [vb]: 50_000, [vc]: 50_000 },
          rolloutBucketBy: 'email',
        },
        { kind: 'removeTargets', variationId: vc, values: ['bob'] },
      ],
      reason,
    ); // v4
    await patch(
      owner,
      flag.key,
      envKey,
      [
        { kind: 'turnFlagOff' },
        { kind: 'reorderRules', ruleIds: ['beta', 'paying'] },
        { kind: 'clearTargets' },
        { kind: 'updateFallthroughVariationOrRollout', variationId: vc },
      ],
      reason,
    ); // v5
    return { flag, ids };
  }

  it('restores an old version: the configuration then equals the stored version, rule ids included', async () => {
    const { flag } = await flagWithHistory('staging');
    expect((await configNow(flag.key, 'staging')).version).toBe(5);

    const result = ok(await restore(owner, flag.key, 'staging', 3));
    expect(result).toMatchObject({ status: 'committed', version: 3, baseVersion: 5, approvalReasons: [] });
    expect(result.instructions.length).toBeGreaterThan(3);
    expect(result.diff.length).toBeGreaterThan(0);

    const v3 = await stored(flag.key, 'staging', 3);
    const now = await configNow(flag.key, 'staging');
    expect(now.version).toBe(6);
    expect(comparable(now)).toEqual(comparable(v3.environment));
    // The rule removed at v4 is back under the id it had, and the one kept since v3 kept its clause ids.
    expect(now.rules.map((r) => r._id)).toEqual(['staff', 'paying']);
    expect(now.rules[1].clauses.map((c) => c._id)).toEqual(v3.environment.rules[1].clauses.map((c) => c._id));
    expect(result.flag?.environments.staging.version).toBe(6);

    // The write is an ordinary version with the restore comment; restoring again then changes nothing.
    expect((await stored(flag.key, 'staging', 6)).comment).toBe('restore to version 3');
    const again = ok(await restore(owner, flag.key, 'staging', 3));
    expect(again).toMatchObject({ status: 'unchanged', instructions: [], diff: [], baseVersion: 6 });
    expect((await configNow(flag.key, 'staging')).version).toBe(6);

    // Restoring the first version takes everything back to the flag as created.
    ok(await restore(owner, flag.key, 'staging', 1, { comment: 'back to square one' }));
    expect(comparable(await configNow(flag.key, 'staging'))).toEqual(
      comparable((await stored(flag.key, 'staging', 1)).environment),
    );
    expect((await stored(flag.key, 'staging', 7)).comment).toBe('back to square one');
  });

  it('a dry run answers the instructions and the diff and writes nothing', async () => {
    const { flag } = await flagWithHistory('staging');
    const before = await configNow(flag.key, 'staging');
    const result = ok(await restore(owner, flag.key, 'staging', 2, { dryRun: true }));
    expect(result.status).toBe('dryRun');
    expect(result.baseVersion).toBe(5);
    expect(result.instructions).toContainEqual({ kind: 'turnFlagOn' });
    expect(result.diff.map((d) => d.summary).join('\n')).toMatch(/on/i);
    expect(result.diff.some((d) => d.path.startsWith('environment.rules'))).toBe(true);
    expect(result.flag).toBeUndefined();
    expect(await configNow(flag.key, 'staging')).toEqual(before);
    const versions = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path: { projectKey: project.key, flagKey: flag.key, envKey: 'staging' } },
      }),
    );
    expect(versions.items[0].version).toBe(5);
  });

  it("in a gated environment a writer's restore opens a change request; approved and applied, it yields the version", async () => {
    const { flag } = await flagWithHistory('production', 'seeding the history');
    const [alice, bob] = await Promise.all([memberWithToken(g, owner, 'writer'), memberWithToken(g, owner, 'writer')]);

    const opened = await restore(alice.api, flag.key, 'production', 3);
    expect(opened.response.status).toBe(202);
    const result = ok(opened);
    expect(result.status).toBe('pending');
    expect(result.approvalReasons.length).toBeGreaterThan(0);
    expect(result.changeRequest).toMatchObject({
      status: 'pending',
      resourceKey: flag.key,
      environmentKey: 'production',
      baseVersion: 5,
      description: 'restore to version 3',
      instructions: result.instructions,
    });
    expect((await configNow(flag.key, 'production')).version).toBe(5);

    const id = result.changeRequest!.id;
    ok(await review(bob.api, id, 'approve'));
    ok(await apply(alice.api, id));
    const now = await configNow(flag.key, 'production');
    expect(now.version).toBe(6);
    expect(comparable(now)).toEqual(comparable((await stored(flag.key, 'production', 3)).environment));
  });

  it('break-glass with a reason restores directly in a gated environment; the owner without one gets a change request', async () => {
    const { flag } = await flagWithHistory('production', 'seeding the history');
    const withoutReason = await restore(owner, flag.key, 'production', 2);
    expect(withoutReason.response.status).toBe(202);
    expect(ok(withoutReason).status).toBe('pending');

    const direct = await restore(owner, flag.key, 'production', 2, { bypass: { reason: 'incident 42: roll back' } });
    expect(direct.response.status).toBe(200);
    expect(ok(direct).status).toBe('committed');
    expect(comparable(await configNow(flag.key, 'production'))).toEqual(
      comparable((await stored(flag.key, 'production', 2)).environment),
    );

    // A writer cannot break glass: the gate refuses (403), nothing written.
    const writer = await memberWithToken(g, owner, 'writer');
    const refused = await restore(writer.api, flag.key, 'production', 5, { bypass: { reason: 'trust me' } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'approval/required' });
    expect((await configNow(flag.key, 'production')).version).toBe(6);
  });

  it('refuses bad input with clear codes', async () => {
    const { flag } = await flagWithHistory('staging');
    const status = async (path: string, body: unknown = {}) => {
      const r = await g.raw('POST', path, { token: g.ownerToken, body });
      return [r.status, (r.body as { code?: string }).code];
    };
    const base = `/api/v1/projects/${project.key}/flags/${flag.key}/environments/staging/versions`;
    expect(await status(`${base}/99/restore`)).toEqual([404, 'flag_version/not_found']);
    expect(await status(`${base}/0/restore`)).toEqual([400, 'request/invalid']);
    expect(await status(`${base}/-1/restore`)).toEqual([400, 'request/invalid']);
    expect(await status(`${base}/1.5/restore`)).toEqual([400, 'request/invalid']);
    expect(await status(`${base}/three/restore`)).toEqual([400, 'request/invalid']);
    expect(await status(`${base}/99999999999/restore`)).toEqual([404, 'flag_version/not_found']);
    expect(await status(`${base}/2/restore`, { dryRun: 'yes' })).toEqual([400, 'request/invalid']);
    expect(await status(`${base}/2/restore`, { bypass: {} })).toEqual([400, 'request/invalid']);
    expect(await status(`${base}/2/restore`, { unknown: 1 })).toEqual([400, 'request/invalid']);
    expect(
      await status(`/api/v1/projects/${project.key}/flags/no-such-flag/environments/staging/versions/1/restore`),
    ).toEqual([404, 'flag/not_found']);
    expect(
      await status(`/api/v1/projects/${project.key}/flags/${flag.key}/environments/nope/versions/1/restore`),
    ).toEqual([404, 'environment/not_found']);
    expect((await configNow(flag.key, 'staging')).version).toBe(5);
  });

  it('refuses a version that serves a variation removed since, naming it', async () => {
    const flag = await factory.flag(owner, project.key, { variations: ['a', 'b', 'c'] });
    // The middle one: a new multivariate flag's defaults use the first and the last.
    const vb = flag.variations[1]._id;
    await patch(owner, flag.key, 'staging', [{ kind: 'updateFallthroughVariationOrRollout', variationId: vb }]); // v2
    await patch(owner, flag.key, 'staging', [
      { kind: 'updateFallthroughVariationOrRollout', variationId: flag.variations[0]._id },
    ]); // v3
    await factory.patchFlag(owner, project.key, flag.key, {
      instructions: [{ kind: 'removeVariation', variationId: vb }],
      bypass: { reason: 'flag-level change reaches production' },
    });
    const before = await configNow(flag.key, 'staging');

    const refused = await restore(owner, flag.key, 'staging', 2);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'flag_version/variation_removed' });
    expect((refused.error as { detail: string }).detail).toContain(`'${vb}'`);
    expect(await configNow(flag.key, 'staging')).toEqual(before);
  });

  it('refuses a version whose prerequisite flag or matched segment no longer exists', async () => {
    const prerequisite = await factory.flag(owner, project.key);
    const segment = await factory.segment(owner, project.key, 'staging');
    const flag = await factory.flag(owner, project.key);
    await patch(owner, flag.key, 'staging', [
      { kind: 'addPrerequisite', key: prerequisite.key, variationId: prerequisite.variations[0]._id },
    ]); // v2
    await patch(owner, flag.key, 'staging', [{ kind: 'removePrerequisite', key: prerequisite.key }]); // v3
    await factory.patchFlag(owner, project.key, prerequisite.key, {
      instructions: [{ kind: 'archiveFlag' }],
      bypass: { reason: 'flag-level change reaches production' },
    });
    const noPrerequisite = await restore(owner, flag.key, 'staging', 2);
    expect(noPrerequisite.response.status).toBe(409);
    expect(noPrerequisite.error).toMatchObject({ code: 'flag_version/prerequisite_removed' });
    expect((noPrerequisite.error as { detail: string }).detail).toContain(prerequisite.key);

    const segmentRule = { attribute: 'segmentMatch', op: 'segmentMatch' as const, values: [segment.key] };
    await patch(owner, flag.key, 'staging', [
      { kind: 'addRule', ruleId: 'seg', clauses: [segmentRule], variationId: flag.variations[0]._id },
    ]); // v4
    await patch(owner, flag.key, 'staging', [{ kind: 'removeRule', ruleId: 'seg' }]); // v5
    const deleted = await owner.DELETE('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: { projectKey: project.key, envKey: 'staging', segmentKey: segment.key } },
    });
    expect(deleted.response.status).toBe(204);
    const noSegment = await restore(owner, flag.key, 'staging', 4);
    expect(noSegment.response.status).toBe(409);
    expect(noSegment.error).toMatchObject({ code: 'flag_version/segment_removed' });
    expect((noSegment.error as { detail: string }).detail).toContain(segment.key);
    expect((await configNow(flag.key, 'staging')).version).toBe(5);
  });

  it('GraphQL restoreFlagVersion does the same: dry run, then restore', async () => {
    const { flag } = await flagWithHistory('staging');
    const gql = (variables: Record<string, unknown>) =>
      g.raw('POST', '/graphql', {
        token: g.ownerToken,
        body: {
          query: `mutation ($p: String!, $f: String!, $e: String!, $v: Int!, $input: RestoreFlagVersionInput) {
            restoreFlagVersion(projectKey: $p, flagKey: $f, environmentKey: $e, version: $v, input: $input) {
              status version baseVersion instructions approvalReasons
              diff { path summary }
              flag { key environments { environmentKey version on } }
              changeRequest { id }
            }
          }`,
          variables: { p: project.key, f: flag.key, e: 'staging', ...variables },
        },
      });
    const dry = await gql({ v: 2, input: { dryRun: true } });
    expect(dry.body.errors).toBeUndefined();
    const preview = dry.body.data.restoreFlagVersion;
    expect(preview).toMatchObject({ status: 'dryRun', version: 2, baseVersion: 5, flag: null, changeRequest: null });
    expect(preview.instructions).toContainEqual({ kind: 'turnFlagOn' });
    expect((await configNow(flag.key, 'staging')).version).toBe(5);

    const done = await gql({ v: 2, input: { comment: 'via GraphQL' } });
    expect(done.body.errors).toBeUndefined();
    const result = done.body.data.restoreFlagVersion;
    expect(result.status).toBe('committed');
    expect(result.instructions).toEqual(preview.instructions);
    expect(result.flag.environments).toContainEqual({ environmentKey: 'staging', version: 6, on: true });
    expect(comparable(await configNow(flag.key, 'staging'))).toEqual(
      comparable((await stored(flag.key, 'staging', 2)).environment),
    );
    expect((await stored(flag.key, 'staging', 6)).comment).toBe('via GraphQL');

    const missing = await gql({ v: 99 });
    expect(missing.body.errors[0].extensions.code).toBe('flag_version/not_found');
    const zero = await gql({ v: 0 });
    expect(zero.body.errors[0].extensions.code).toBe('request/invalid');
  });
});
