/**
 * Segments: environment-scoped, changed only through semantic patch (the segment twin of the flag
 * write path), versioned, audited, and usable by flag rules through segmentMatch.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok } from '../support/factories';
import type { SegmentInstruction } from '../support/governance';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const P = 'crm';
const path = (segmentKey: string, envKey = 'production') => ({ projectKey: P, envKey, segmentKey });

describe('segments', () => {
  let gantry: Gantry;
  let api: ApiClient;

  const patchSegment = (segmentKey: string, instructions: SegmentInstruction[], ifMatch?: string) =>
    api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: path(segmentKey), ...(ifMatch ? { header: { 'if-match': ifMatch } } : {}) },
      body: { instructions, comment: 'segment change' },
    });
  const getSegment = (segmentKey: string, envKey = 'production') =>
    api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: path(segmentKey, envKey) },
    });

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: ['staging', 'production'] });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('creates a segment in one environment, at version 1', async () => {
    const { data, response } = await api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
      params: { path: { projectKey: P, envKey: 'production' } },
      body: { key: 'beta-users', name: 'Beta users', description: 'opted in', tags: ['beta'], included: ['u1'] },
    });
    expect(response.status).toBe(201);
    expect(data).toEqual({
      key: 'beta-users',
      name: 'Beta users',
      description: 'opted in',
      tags: ['beta'],
      included: ['u1'],
      excluded: [],
      includedContexts: [],
      excludedContexts: [],
      rules: [],
      salt: expect.stringMatching(/^[0-9a-f]{32}$/),
      version: 1,
      deleted: false,
    });
    expect(ok(await getSegment('beta-users'))).toEqual(data);
    const list = ok(
      await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
        params: { path: { projectKey: P, envKey: 'production' } },
      }),
    );
    expect(list.items.map((s) => s.key)).toEqual(['beta-users']);
  });

  it('is scoped to its environment: 404 segment/not_found elsewhere and for unknown keys', async () => {
    const elsewhere = await getSegment('beta-users', 'staging');
    expect(elsewhere.response.status).toBe(404);
    expect(elsewhere.error?.code).toBe('segment/not_found');
    const unknown = await getSegment('nobody');
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe('segment/not_found');
    const patchUnknown = await patchSegment('nobody', [{ kind: 'addIncludedTargets', values: ['u9'] }]);
    expect(patchUnknown.response.status).toBe(404);
    expect(patchUnknown.error?.code).toBe('segment/not_found');
    const unknownEnv = await getSegment('beta-users', 'nowhere');
    expect(unknownEnv.error?.code).toBe('environment/not_found');
  });

  it('adds included targets and a rule in one patch: one new version', async () => {
    const [{ n: auditBefore }] = await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"');
    const { data, response } = await patchSegment(
      'beta-users',
      [
        { kind: 'addIncludedTargets', values: ['u2', 'u3', 'u1'] },
        { kind: 'addIncludedTargets', contextKind: 'org', values: ['acme'] },
        {
          kind: 'addRule',
          clauses: [{ attribute: 'country', op: 'in', values: ['NL', 'BE'] }],
          weight: 50000,
          rolloutBucketBy: 'email',
          description: 'half of Benelux',
        },
      ],
      '1',
    );
    expect(response.status).toBe(200);
    expect(data!.version).toBe(2);
    expect(data!.included).toEqual(['u1', 'u2', 'u3']);
    expect(data!.includedContexts).toEqual([{ contextKind: 'org', values: ['acme'] }]);
    expect(data!.rules).toEqual([
      {
        _id: expect.stringMatching(UUID),
        clauses: [
          { _id: expect.stringMatching(UUID), attribute: 'country', op: 'in', values: ['NL', 'BE'], negate: false },
        ],
        weight: 50000,
        bucketBy: 'email',
        description: 'half of Benelux',
      },
    ]);
    expect(ok(await getSegment('beta-users'))).toEqual(data);

    const [{ n: auditAfter }] = await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"');
    expect(auditAfter).toBe(auditBefore + 1);
    const log = ok(
      await api.GET('/api/v1/audit-log', {
        params: { query: { resource: `proj/${P}:env/production:segment/beta-users` } },
      }),
    );
    expect(log.items.map((e) => [e.action, e.previousVersion, e.currentVersion])).toEqual([
      ['updateSegment', 1, 2],
      ['createSegment', null, 1],
    ]);
    expect(log.items[0].comment).toBe('segment change');

    const versions = await gantry.sql<{ version: number }>(
      `SELECT v."version" FROM "SegmentVersion" v JOIN "Segment" s ON s."id" = v."segmentId"
       WHERE s."key" = 'beta-users' ORDER BY v."version"`,
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('answers 412 to a stale If-Match and 400 to a bad instruction, writing nothing', async () => {
    const stale = await patchSegment('beta-users', [{ kind: 'addExcludedTargets', values: ['u4'] }], '1');
    expect(stale.response.status).toBe(412);
    expect(stale.error?.code).toBe('segment/version_mismatch');

    const selfMatch = await patchSegment('beta-users', [
      { kind: 'addExcludedTargets', values: ['u4'] },
      { kind: 'addRule', clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-users'] }] },
    ]);
    expect(selfMatch.response.status).toBe(400);
    expect(selfMatch.error?.code).toBe('patch/invalid_instruction');
    expect(selfMatch.error?.errors?.[0]).toMatchObject({ index: 1 });

    // @ts-expect-error a flag kind: the typed client refuses it too
    const flagKind = await patchSegment('beta-users', [{ kind: 'turnFlagOn' }]);
    expect(flagKind.response.status).toBe(400);
    expect(flagKind.error?.code).toBe('patch/unknown_instruction');

    const current = ok(await getSegment('beta-users'));
    expect(current.version).toBe(2);
    expect(current.excluded).toEqual([]);
  });

  it('a patch that changes nothing keeps the version', async () => {
    const { data } = await patchSegment('beta-users', [{ kind: 'addIncludedTargets', values: ['u1'] }]);
    expect(data!.version).toBe(2);
  });

  it('can be used by a flag rule, and then cannot be deleted', async () => {
    const flag = await factory.flag(api, P, { key: 'beta-banner' });
    await factory.patchFlag(api, P, 'beta-banner', {
      environmentKey: 'production',
      instructions: [
        {
          kind: 'addRule',
          clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-users'] }],
          variationId: flag.variations[0]._id,
        },
      ],
    });
    const refused = await api.DELETE('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: path('beta-users') },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.error?.code).toBe('segment/in_use');
    expect(ok(await getSegment('beta-users')).version).toBe(2);
  });

  it('creates, deletes and re-creates a segment with a continuing version', async () => {
    await factory.segment(api, P, 'production', { key: 'temp' });
    const deleted = await api.DELETE('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
      params: { path: path('temp') },
    });
    expect(deleted.response.status).toBe(204);
    expect((await getSegment('temp')).response.status).toBe(404);
    const again = await factory.segment(api, P, 'production', { key: 'temp' });
    expect(again.version).toBe(3);

    const duplicate = await api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
      params: { path: { projectKey: P, envKey: 'production' } },
      body: { key: 'temp', name: 'Again' },
    });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error?.code).toBe('segment/already_exists');
  });
});
