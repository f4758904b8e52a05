/**
 * What /scim/v2 refuses, and that refusing writes nothing: each credential opens one door (no
 * token, an API token, a revoked SCIM token at /scim/v2; a SCIM token on the REST API and GraphQL),
 * and malformed, mistyped, oversized or unknown input answers a 4xx in SCIM's error shape.
 */
import { startGantry, type Gantry } from '../../support/app-harness';
import { ok } from '../../support/factories';
import { memberWithToken } from '../../support/governance';
import {
  ERROR_URN,
  filterQuery,
  GROUP_URN,
  issueScimToken,
  liveCredentials,
  patchOp,
  scimClient,
  USER_URN,
  type ScimCall,
} from '../../support/scim';

jest.setTimeout(120_000);

describe('SCIM refusals', () => {
  let g: Gantry;
  let scim: ScimCall;
  let scimToken: string;
  let userId: string;

  const user = (userName: string, extra: object = {}) => ({ schemas: [USER_URN], userName, ...extra });
  const counts = async () =>
    (
      await g.sql<{ members: number; teams: number; audit: number }>(
        `SELECT (SELECT count(*)::int FROM "Member") AS members, (SELECT count(*)::int FROM "Team") AS teams,
                (SELECT count(*)::int FROM "AuditEntry") AS audit`,
      )
    )[0];
  /** The answer is a SCIM error with this status, scimType (or none) and catalogue code. */
  const expectScimError = (
    res: { status: number; headers: Headers; body: Record<string, unknown> },
    status: number,
    code: string,
    scimType?: string,
  ) => {
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect([res.status, res.body.schemas, res.body.status, res.body.scimType, res.body.code]).toEqual([
      status,
      [ERROR_URN],
      String(status),
      scimType,
      code,
    ]);
    expect(typeof res.body.detail).toBe('string');
  };

  beforeAll(async () => {
    g = await startGantry();
    scimToken = (await issueScimToken(g, 'idp')).token;
    scim = scimClient(g, scimToken);
    const created = await scim('POST', '/Users', user('existing@example.com', { externalId: 'ext-1' }));
    expect(created.status).toBe(201);
    userId = created.body.id;
  });

  afterAll(async () => {
    await g?.stop();
  });

  describe('credentials', () => {
    it('refuses no token, an API token and a revoked SCIM token (401, SCIM shape)', async () => {
      expectScimError(await scimClient(g, undefined)('GET', '/Users'), 401, 'auth/unauthenticated');
      expectScimError(await scimClient(g, g.ownerToken)('GET', '/Users'), 401, 'auth/wrong_token_purpose');
      expectScimError(await scimClient(g, 'gnt_not-a-token')('GET', '/Users'), 401, 'auth/invalid_token');
      const revoked = await issueScimToken(g, 'revoked');
      expect((await scimClient(g, revoked.token)('GET', '/ServiceProviderConfig')).status).toBe(200);
      ok(await g.client(g.ownerToken).DELETE('/api/v1/tokens/{id}', { params: { path: { id: revoked.id } } }));
      expectScimError(
        await scimClient(g, revoked.token)('POST', '/Users', user('r@example.com')),
        401,
        'auth/token_revoked',
      );
    });

    it('refuses a SCIM token on the REST API and on GraphQL (401)', async () => {
      const me = await g.raw('GET', '/api/v1/me', { token: scimToken });
      expect([me.status, me.body.code]).toEqual([401, 'auth/wrong_token_purpose']);
      const members = await g.raw('POST', '/api/v1/members', {
        token: scimToken,
        body: { email: 'x@example.com', name: 'x' },
      });
      expect([members.status, members.body.code]).toEqual([401, 'auth/wrong_token_purpose']);
      const gql = await g.raw('POST', '/graphql', { token: scimToken, body: { query: '{ members { id } }' } });
      expect(gql.body.errors[0].extensions).toMatchObject({ code: 'auth/wrong_token_purpose', status: 401 });
      const session = await g.raw('POST', '/api/v1/session', { body: { token: scimToken } });
      expect([session.status, session.body.code, session.headers.get('set-cookie')]).toEqual([
        401,
        'auth/wrong_token_purpose',
        null,
      ]);
    });

    it('lets only an owner or admin issue a SCIM token, and without grants; shows it once, hashed at rest', async () => {
      const owner = g.client(g.ownerToken);
      const writer = await memberWithToken(g, owner, 'writer');
      const refused = await writer.api.POST('/api/v1/tokens', { body: { name: 'mine', purpose: 'scim' } });
      expect([refused.response.status, (refused.error as { code: string }).code]).toEqual([403, 'auth/forbidden']);
      const admin = await memberWithToken(g, owner, 'admin');
      const issued = ok(await admin.api.POST('/api/v1/tokens', { body: { name: 'by-admin', purpose: 'scim' } }));
      expect(issued).toMatchObject({ purpose: 'scim', kind: 'service', memberId: null, role: null });
      const stored = await g.sql<{ hash: string }>(`SELECT hash FROM "AccessToken" WHERE id = $1`, [issued.id]);
      expect(stored[0].hash).not.toContain(issued.token);
      const listed = ok(await owner.GET('/api/v1/tokens')).items.find((t) => t.id === issued.id);
      expect(listed).toMatchObject({ purpose: 'scim' });
      expect(listed).not.toHaveProperty('token');
      const withRole = await owner.POST('/api/v1/tokens', { body: { name: 'x', purpose: 'scim', role: 'admin' } });
      expect((withRole.error as { code: string }).code).toBe('token/scim_with_grants');
    });
  });

  describe('input', () => {
    it('refuses malformed JSON, a non-JSON body and an over-deep one, writing nothing', async () => {
      const before = await counts();
      const malformed = await g.raw('POST', '/scim/v2/Users', {
        token: scimToken,
        body: '{"userName": "broken@example.com",',
        headers: { 'content-type': 'application/scim+json' },
      });
      expectScimError(malformed, 400, 'request/malformed_json', 'invalidSyntax');
      const text = await g.raw('POST', '/scim/v2/Users', {
        token: scimToken,
        body: 'userName=x',
        headers: { 'content-type': 'text/plain' },
      });
      expectScimError(text, 415, 'request/unsupported_media_type');
      let deep: unknown = 'x';
      for (let i = 0; i < 100; i++) deep = { a: deep };
      expectScimError(
        await scim('POST', '/Users', user('deep@example.com', { name: deep })),
        400,
        'request/too_deep',
        'invalidSyntax',
      );
      expectScimError(
        await scim('POST', '/Users', ['not', 'an', 'object']),
        400,
        'scim/invalid_syntax',
        'invalidSyntax',
      );
      expect(await counts()).toEqual(before);
    });

    it('refuses wrong types and a userName that is not an email (invalidValue)', async () => {
      const before = await counts();
      expectScimError(await scim('POST', '/Users', user(42 as never)), 400, 'scim/invalid_value', 'invalidValue');
      expectScimError(await scim('POST', '/Users', user('Test_User_ab64')), 400, 'scim/invalid_value', 'invalidValue');
      expectScimError(
        await scim('POST', '/Users', user('t@example.com', { active: 'maybe' })),
        400,
        'scim/invalid_value',
        'invalidValue',
      );
      expectScimError(
        await scim('POST', '/Groups', { schemas: [GROUP_URN] }),
        400,
        'scim/invalid_value',
        'invalidValue',
      );
      expectScimError(await scim('GET', '/Users?startIndex=two'), 400, 'scim/invalid_value', 'invalidValue');
      expect(await counts()).toEqual(before);
    });

    it('refuses unsupported filters (invalidFilter)', async () => {
      for (const filter of [
        'userName sw "a"',
        'userName eq "a" or userName eq "b"',
        'title eq "CTO"',
        'active eq true',
      ])
        expectScimError(await scim('GET', `/Users${filterQuery(filter)}`), 400, 'scim/invalid_filter', 'invalidFilter');
      expectScimError(
        await scim('GET', `/Groups${filterQuery('displayName co "x"')}`),
        400,
        'scim/invalid_filter',
        'invalidFilter',
      );
    });

    it('refuses a duplicate userName or externalId (409 uniqueness), writing nothing', async () => {
      const before = await counts();
      const dup = await scim('POST', '/Users', user('EXISTING@example.com'));
      expectScimError(dup, 409, 'member/already_exists', 'uniqueness');
      const dupExternal = await scim('POST', '/Users', user('other@example.com', { externalId: 'ext-1' }));
      expectScimError(dupExternal, 409, 'member/already_exists', 'uniqueness');
      const other = await scim('POST', '/Users', user('second@example.com'));
      const taken = await scim(
        'PATCH',
        `/Users/${other.body.id}`,
        patchOp({ op: 'replace', path: 'userName', value: 'existing@example.com' }),
      );
      expectScimError(taken, 409, 'member/already_exists', 'uniqueness');
      expect((await scim('GET', `/Users/${other.body.id}`)).body.userName).toBe('second@example.com');
      expect((await scim('DELETE', `/Users/${other.body.id}`)).status).toBe(204);
      expect((await scim('POST', '/Groups', { displayName: 'Dup' })).status).toBe(201);
      expectScimError(await scim('POST', '/Groups', { displayName: 'dup' }), 409, 'team/already_exists', 'uniqueness');
      expect((await counts()).members).toBe(before.members);
    });

    it('refuses a PATCH of an unknown or read-only path, leaving the user as it was', async () => {
      const before = await scim('GET', `/Users/${userId}`);
      const audit = (await counts()).audit;
      const unknown = await scim(
        'PATCH',
        `/Users/${userId}`,
        patchOp(
          { op: 'replace', path: 'name.givenName', value: 'Changed' },
          { op: 'replace', path: 'shoeSize', value: 44 },
        ),
      );
      expectScimError(unknown, 400, 'scim/invalid_path', 'invalidPath');
      expectScimError(
        await scim('PATCH', `/Users/${userId}`, patchOp({ op: 'replace', path: 'id', value: 'x' })),
        400,
        'scim/mutability',
        'mutability',
      );
      expectScimError(
        await scim('PATCH', `/Users/${userId}`, patchOp({ op: 'remove' })),
        400,
        'scim/no_target',
        'noTarget',
      );
      expectScimError(
        await scim('PATCH', `/Users/${userId}`, { Operations: [] }),
        400,
        'scim/invalid_syntax',
        'invalidSyntax',
      );
      expect((await scim('GET', `/Users/${userId}`)).body).toEqual(before.body);
      expect((await counts()).audit).toBe(audit);
    });

    it('refuses oversized lists (400) and bodies (413), writing nothing', async () => {
      const before = await counts();
      const many = Array.from({ length: 1001 }, (_, i) => ({
        value: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      }));
      expectScimError(
        await scim('POST', '/Groups', { displayName: 'Big', members: many }),
        400,
        'scim/invalid_value',
        'invalidValue',
      );
      const ops = Array.from({ length: 101 }, () => ({ op: 'replace', path: 'active', value: true }));
      expectScimError(
        await scim('PATCH', `/Users/${userId}`, patchOp(...ops)),
        400,
        'scim/invalid_value',
        'invalidValue',
      );
      const huge = await scim('POST', '/Users', user('huge@example.com', { displayName: 'x'.repeat(2 * 1024 * 1024) }));
      expectScimError(huge, 413, 'request/too_large');
      expect(await counts()).toEqual(before);
    });

    it('refuses members that are no User, and answers 404 for ids that are none', async () => {
      const before = await counts();
      const ghost = '00000000-0000-4000-8000-000000000000';
      expectScimError(
        await scim('POST', '/Groups', { displayName: 'Ghosts', members: [{ value: userId }, { value: ghost }] }),
        400,
        'scim/invalid_value',
        'invalidValue',
      );
      expect(await counts()).toEqual(before);
      expectScimError(await scim('GET', '/Users/not-a-uuid'), 404, 'member/not_found');
      expectScimError(
        await scim('PATCH', `/Users/${ghost}`, patchOp({ op: 'replace', path: 'active', value: false })),
        404,
        'member/not_found',
      );
      expectScimError(await scim('DELETE', '/Groups/not-a-uuid'), 404, 'team/not_found');
      expect((await scim('GET', `/Users${filterQuery('id eq "not-a-uuid"')}`)).body.totalResults).toBe(0);
    });
  });

  describe('concurrency', () => {
    it('loses no member when an identity provider adds members to one group in parallel', async () => {
      const group = await scim('POST', '/Groups', { displayName: 'Parallel' });
      const users = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          scim('POST', '/Users', user(`parallel-${i}@example.com`, { externalId: `p${i}` })),
        ),
      );
      const ids = users.map((u) => u.body.id as string);
      const adds = await Promise.all(
        ids.map((value) =>
          scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value }] })),
        ),
      );
      expect(adds.map((r) => r.status)).toEqual(ids.map(() => 204));
      const members = (await scim('GET', `/Groups/${group.body.id}`)).body.members as { value: string }[];
      expect(members.map((m) => m.value).sort()).toEqual([...ids].sort());
    });
  });

  describe('the owner and the members API', () => {
    it('will not deactivate, delete or change an owner through SCIM', async () => {
      const me = ok(await g.client(g.ownerToken).GET('/api/v1/me'));
      const ownerId = me.member!.id;
      expectScimError(
        await scim('PATCH', `/Users/${ownerId}`, patchOp({ op: 'replace', path: 'displayName', value: 'Pwned' })),
        403,
        'auth/forbidden',
      );
      expectScimError(await scim('DELETE', `/Users/${ownerId}`), 409, 'member/cannot_delete_owner');
      expect((await g.raw('GET', '/api/v1/me', { token: g.ownerToken })).status).toBe(200);
    });

    it('deactivates and reactivates through PATCH /api/v1/members/{id} the same way, never oneself', async () => {
      const owner = g.client(g.ownerToken);
      const admin = await memberWithToken(g, owner, 'admin');
      const target = await memberWithToken(g, owner, 'writer');
      const deactivated = ok(
        await admin.api.PATCH('/api/v1/members/{id}', {
          params: { path: { id: target.member.id } },
          body: { active: false },
        }),
      );
      expect(deactivated.active).toBe(false);
      expect((await target.api.GET('/api/v1/me')).response.status).toBe(401);
      expect(await liveCredentials(g, target.member.id)).toEqual({ tokens: 0, sessions: 0 });
      const self = await admin.api.PATCH('/api/v1/members/{id}', {
        params: { path: { id: admin.member.id } },
        body: { active: false },
      });
      expect((self.error as { code: string }).code).toBe('member/cannot_deactivate_self');
      const back = ok(
        await admin.api.PATCH('/api/v1/members/{id}', {
          params: { path: { id: target.member.id } },
          body: { active: true },
        }),
      );
      expect(back.active).toBe(true);
      const log = ok(
        await owner.GET('/api/v1/audit-log', { params: { query: { resource: `member/${target.member.id}` } } }),
      );
      expect(log.items.map((e) => e.action).slice(0, 2)).toEqual(['reactivateMember', 'deactivateMember']);
    });
  });
});
