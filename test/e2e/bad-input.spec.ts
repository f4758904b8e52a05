/**
 * DESIGN §4/§6: bad input gets a 4xx problem document with a stable code, never a 500, and never a
 * partial write. Every case checks the answer and then that nothing at all was written: no audit
 * entry, no version, no outbox row, the flag exactly as before.
 */
import { startGantry, type ApiClient, type Gantry, type RawResponse } from '../support/app-harness';
import { factory, ok, type Flag } from '../support/factories';

const PROBLEM_JSON = /^application\/problem\+json/;

let gantry: Gantry;
let api: ApiClient;

beforeAll(async () => {
  gantry = await startGantry();
  api = gantry.client(gantry.ownerToken);
});

afterAll(async () => {
  await gantry?.stop();
});

describe('bad input is refused with a problem document and no write', () => {
  let flag: Flag;
  const P = 'lab';
  const F = 'target';
  const flagPath = `/api/v1/projects/${P}/flags/${F}`;

  /** Everything a write would touch. */
  const writeState = async () => {
    const [counts] = await gantry.sql(`SELECT
      (SELECT count(*)::int FROM "AuditEntry") AS audit,
      (SELECT count(*)::int FROM "FlagVersion") AS "flagVersions",
      (SELECT count(*)::int FROM "OutboxEvent") AS outbox,
      (SELECT count(*)::int FROM "Flag") AS flags`);
    const current = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: P, flagKey: F } },
      }),
    );
    return { counts, flag: current };
  };

  const expectProblem = (res: RawResponse<any>, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({
      type: `https://gantry.dev/problems/${code}`,
      status,
      title: expect.any(String),
      detail: expect.any(String),
    });
  };

  /** Sends the request and checks that it was refused as expected and changed nothing. */
  const refused = async (status: number, code: string, send: () => Promise<RawResponse<any>>) => {
    const before = await writeState();
    const res = await send();
    expectProblem(res, status, code);
    expect(await writeState()).toEqual(before);
    return res.body;
  };

  const patch = (body: unknown, headers?: Record<string, string>) =>
    gantry.raw('PATCH', flagPath, { token: gantry.ownerToken, body, headers });

  beforeAll(async () => {
    await factory.project(api, { key: P, environments: ['staging', 'production'] });
    flag = await factory.flag(api, P, { key: F, variations: ['red', 'green', 'blue'] });
  });

  it('malformed JSON', async () => {
    await refused(400, 'request/malformed_json', () =>
      patch('{"environmentKey": "production", "instructions": [{"kind": "turnFlagOn"'),
    );
  });

  it('wrong types in the body', async () => {
    const body = await refused(400, 'request/invalid', () =>
      gantry.raw('POST', `/api/v1/projects/${P}/flags`, { token: gantry.ownerToken, body: { key: 'typed', name: 5 } }),
    );
    expect(body.errors.map((e: { field: string }) => e.field)).toContain('name');
    await refused(400, 'request/invalid', () => patch({ environmentKey: 'production', instructions: 'turnFlagOn' }));
    await refused(400, 'request/invalid', () =>
      patch({ environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }], comment: { text: 'no' } }),
    );
    await refused(400, 'request/invalid', () =>
      patch({ environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }], unexpected: true }),
    );
  });

  it('an unknown instruction kind, pointing at its index, even after a valid one', async () => {
    const body = await refused(400, 'patch/unknown_instruction', () =>
      patch({ environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }, { kind: 'explode' }] }),
    );
    expect(body.errors[0]).toMatchObject({ index: 1, field: 'kind' });
  });

  it('a rule that serves a variation id the flag does not have', async () => {
    const body = await refused(400, 'patch/invalid_instruction', () =>
      patch({
        environmentKey: 'production',
        instructions: [
          { kind: 'turnFlagOn' },
          {
            kind: 'addRule',
            clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'] }],
            variationId: 'no-such-variation',
          },
        ],
      }),
    );
    expect(body.errors[0]).toMatchObject({ index: 1, field: 'variationId' });
  });

  it('rollout weights that do not add up to 100000', async () => {
    const [red, green] = flag.variations;
    const body = await refused(400, 'patch/invalid_instruction', () =>
      patch({
        environmentKey: 'production',
        instructions: [
          { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [red._id]: 60000, [green._id]: 30000 } },
        ],
      }),
    );
    expect(body.errors[0]).toMatchObject({ index: 0, field: 'rolloutWeights' });
    // A weight beyond the range is refused on its own too.
    await refused(400, 'patch/invalid_instruction', () =>
      patch({
        environmentKey: 'production',
        instructions: [
          { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [red._id]: 100001, [green._id]: -1 } },
        ],
      }),
    );
  });

  it('a key with spaces, in a body and in a path', async () => {
    const body = await refused(400, 'request/invalid', () =>
      gantry.raw('POST', `/api/v1/projects/${P}/flags`, {
        token: gantry.ownerToken,
        body: { key: 'my flag', name: 'My flag' },
      }),
    );
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['key']);
    await refused(400, 'request/invalid_key', () =>
      gantry.raw('PATCH', `/api/v1/projects/${P}/flags/my%20flag`, {
        token: gantry.ownerToken,
        body: { instructions: [{ kind: 'archiveFlag' }] },
      }),
    );
    await refused(400, 'request/invalid', () =>
      gantry.raw('POST', '/api/v1/projects', { token: gantry.ownerToken, body: { key: 'new project', name: 'New' } }),
    );
  });

  it('a 10 MB body', async () => {
    const comment = 'x'.repeat(10 * 1024 * 1024);
    await refused(413, 'request/too_large', () =>
      patch({ environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }], comment }),
    );
  });

  it('a duplicate flag key', async () => {
    await refused(409, 'flag/already_exists', () =>
      gantry.raw('POST', `/api/v1/projects/${P}/flags`, { token: gantry.ownerToken, body: { key: F, name: 'Again' } }),
    );
  });

  it('an instruction for an environment that does not exist', async () => {
    await refused(404, 'environment/not_found', () =>
      patch({ environmentKey: 'nowhere', instructions: [{ kind: 'turnFlagOn' }] }),
    );
    await refused(404, 'flag/not_found', () =>
      gantry.raw('PATCH', `/api/v1/projects/${P}/flags/missing`, {
        token: gantry.ownerToken,
        body: { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] },
      }),
    );
  });

  it('a change to an archived flag, until it is restored', async () => {
    await factory.flag(api, P, { key: 'retired' });
    const archived = await factory.patchFlag(api, P, 'retired', { instructions: [{ kind: 'archiveFlag' }] });
    expect(archived.archived).toBe(true);

    const before = await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"');
    const res = await gantry.raw('PATCH', `/api/v1/projects/${P}/flags/retired`, {
      token: gantry.ownerToken,
      body: { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] },
    });
    expectProblem(res, 409, 'flag/archived');
    expect(await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"')).toEqual(before);
    const still = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: P, flagKey: 'retired' } },
      }),
    );
    expect(still.environments.production).toEqual(archived.environments.production);

    const restored = await factory.patchFlag(api, P, 'retired', { instructions: [{ kind: 'restoreFlag' }] });
    expect(restored.archived).toBe(false);
    const on = await factory.patchFlag(api, P, 'retired', {
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    expect(on.environments.production.on).toBe(true);
  });

  it('archiving a flag that another flag has as a prerequisite', async () => {
    const base = await factory.flag(api, P, { key: 'base' });
    await factory.flag(api, P, { key: 'dependent' });
    await factory.patchFlag(api, P, 'dependent', {
      environmentKey: 'staging',
      instructions: [{ kind: 'addPrerequisite', key: 'base', variationId: base.variations[0]._id }],
    });

    const before = await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"');
    const res = await gantry.raw('PATCH', `/api/v1/projects/${P}/flags/base`, {
      token: gantry.ownerToken,
      body: { instructions: [{ kind: 'archiveFlag' }] },
    });
    expectProblem(res, 409, 'flag/has_dependents');
    expect(res.body.detail).toContain('dependent');
    expect(await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"')).toEqual(before);
    const still = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: P, flagKey: 'base' } },
      }),
    );
    expect(still.archived).toBe(false);
    expect(still.version).toBe(1);

    // Once the prerequisite is gone, archiving works.
    await factory.patchFlag(api, P, 'dependent', {
      environmentKey: 'staging',
      instructions: [{ kind: 'removePrerequisite', key: 'base' }],
    });
    expect((await factory.patchFlag(api, P, 'base', { instructions: [{ kind: 'archiveFlag' }] })).archived).toBe(true);
  });

  it('JSON nested deeper than the validators can walk', async () => {
    // 5000 levels fit easily in the body limit; walking them recursively overflowed the stack (a 500).
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const body = await refused(400, 'request/too_deep', () =>
      patch(`{"environmentKey":"production","instructions":[{"kind":"turnFlagOn"}],"comment":${deep}}`),
    );
    expect(body.detail).toContain('64');
    await refused(400, 'request/too_deep', () =>
      gantry.raw('POST', `/api/v1/projects/${P}/flags`, {
        token: gantry.ownerToken,
        body: `{"key":"deep","name":"Deep","variations":[{"value":${deep}},{"value":[]}]}`,
      }),
    );
    // Nesting within the limit is an ordinary JSON variation value.
    let nested: unknown = 'leaf';
    for (let i = 0; i < 20; i++) nested = { level: nested };
    const created = await factory.flag(api, P, { key: 'nested-json', variations: [nested, { level: 'other' }] });
    expect(created.variations[0].value).toEqual(nested);
  });

  it('numbers beyond what can be stored, in paths and queries', async () => {
    const versions = `/api/v1/projects/${P}/flags/${F}/environments/production/versions`;
    const token = gantry.ownerToken;
    expectProblem(await gantry.raw('GET', `${versions}/2147483648`, { token }), 404, 'flag_version/not_found');
    expectProblem(await gantry.raw('GET', `${versions}/-1`, { token }), 404, 'flag_version/not_found');
    expectProblem(await gantry.raw('GET', `${versions}/one`, { token }), 400, 'request/invalid');
    expectProblem(await gantry.raw('GET', `${versions}?before=99999999999999`, { token }), 400, 'request/invalid');
    expectProblem(
      await gantry.raw('GET', `/api/v1/projects/${P}/flags?offset=999999999999999999999`, { token }),
      400,
      'request/invalid',
    );
    expectProblem(
      await gantry.raw('GET', `/api/v1/projects/${P}/environments/production/segments?offset=999999999999999999999`, {
        token,
      }),
      400,
      'request/invalid',
    );
    expectProblem(await gantry.raw('GET', `/api/v1/audit-log?limit=5000`, { token }), 400, 'request/invalid');
  });

  it('lists archived or live flags as asked, and refuses a filter that is not true/false', async () => {
    const list = async (archived: boolean) =>
      ok(
        await api.GET('/api/v1/projects/{projectKey}/flags', {
          params: { path: { projectKey: P }, query: { archived } },
        }),
      )
        .items.map((f) => f.key)
        .sort();
    expect(await list(true)).toEqual(['base']);
    expect(await list(false)).toEqual(['dependent', 'nested-json', 'retired', 'target']);
    expectProblem(
      await gantry.raw('GET', `/api/v1/projects/${P}/flags?archived=maybe`, { token: gantry.ownerToken }),
      400,
      'request/invalid',
    );
  });

  it('an explicit null for an optional field (refused, not written as null)', async () => {
    const token = gantry.ownerToken;
    const body = await refused(400, 'request/invalid', () =>
      gantry.raw('PATCH', `/api/v1/projects/${P}`, { token, body: { name: null } }),
    );
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
    await refused(400, 'request/invalid', () =>
      gantry.raw('PATCH', `/api/v1/projects/${P}/environments/staging`, { token, body: { critical: null } }),
    );
  });

  it('none of the above was a server error, and the audit chain is intact', async () => {
    // The problem filter logs every 5xx at level error (50); the process logs at warn.
    expect(
      gantry
        .stdout()
        .split('\n')
        .filter((line) => line.includes('"level":50')),
    ).toEqual([]);
    const verdict = ok(await api.GET('/api/v1/audit-log/verify'));
    expect(verdict.ok).toBe(true);
  });
});

describe('optimistic concurrency (If-Match)', () => {
  beforeAll(async () => {
    await factory.project(api, { key: 'cc', environments: ['staging', 'production'] });
    await factory.flag(api, 'cc', { key: 'toggle' });
  });

  const patch = (ifMatch: string, kind: 'turnFlagOn' | 'turnFlagOff', environmentKey = 'production') =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: 'cc', flagKey: 'toggle' }, header: { 'if-match': ifMatch } },
      body: { environmentKey, instructions: [{ kind }] },
    });

  it('applies a change written against the current version', async () => {
    const { data, response } = await patch('1', 'turnFlagOn');
    expect(response.status).toBe(200);
    expect(data!.environments.production).toMatchObject({ on: true, version: 2 });
  });

  it('answers 412 to a stale If-Match and writes nothing', async () => {
    const [{ n: auditBefore }] = await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"');
    const { error, response } = await patch('1', 'turnFlagOff');
    expect(response.status).toBe(412);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(error?.code).toBe('flag/version_mismatch');
    const [{ n: auditAfter }] = await gantry.sql('SELECT count(*)::int AS n FROM "AuditEntry"');
    expect(auditAfter).toBe(auditBefore);
    const current = ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: 'cc', flagKey: 'toggle' } },
      }),
    );
    expect(current.environments.production).toMatchObject({ on: true, version: 2 });
  });

  it('accepts the version as an ETag (quoted, weak) and checks it per environment', async () => {
    expect((await patch('W/"2"', 'turnFlagOff')).response.status).toBe(200);
    // staging is still at version 1.
    expect((await patch('"1"', 'turnFlagOn', 'staging')).response.status).toBe(200);
    expect((await patch('"1"', 'turnFlagOff', 'staging')).response.status).toBe(412);
  });

  it('refuses an If-Match that is not a version', async () => {
    const { error, response } = await patch('yesterday', 'turnFlagOn');
    expect(response.status).toBe(400);
    expect(error?.code).toBe('request/invalid_if_match');
  });
});
