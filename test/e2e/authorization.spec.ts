/**
 * DESIGN §5: who may change what. Built-in roles, a custom role scoped to one environment on a
 * service token, tokens that expire or are revoked, and `explain`, which names the statement that
 * decided. Every refusal is checked to have written nothing.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, type Flag, type Member } from '../support/factories';

const P = 'shop';
const F = 'checkout';
const STAGING_ONLY = [
  { effect: 'allow' as const, actions: ['*'], resources: ['proj/*:env/staging:flag/*'] },
  { effect: 'allow' as const, actions: ['viewProject'], resources: ['proj/*'] },
];

describe('authorization', () => {
  let gantry: Gantry;
  let owner: ApiClient;
  let flag: Flag;
  let reader: Member;
  let readerToken: string;
  let ciToken: string;
  let ciTokenId: string;

  const getFlag = async () =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: P, flagKey: F } },
      }),
    );
  const turnOn = (api: ApiClient, environmentKey: string) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: P, flagKey: F } },
      body: { environmentKey, instructions: [{ kind: 'turnFlagOn' }] },
    });
  const auditCount = async () => (await gantry.sql<{ n: number }>('SELECT count(*)::int AS n FROM "AuditEntry"'))[0].n;

  beforeAll(async () => {
    gantry = await startGantry();
    owner = gantry.client(gantry.ownerToken);
    await factory.project(owner, { key: P, environments: ['staging', 'production'] });
    flag = await factory.flag(owner, P, { key: F });

    reader = await factory.member(owner, { email: 'reader@example.com', name: 'Rita Reader', role: 'reader' });
    const personal = await factory.token(owner, { name: 'rita', memberId: reader.id });
    readerToken = personal.token;
    expect(personal).toMatchObject({ kind: 'personal', memberId: reader.id, role: null });

    await factory.role(owner, { key: 'staging-editor', name: 'Staging editor', policy: STAGING_ONLY });
    const service = await factory.token(owner, { name: 'ci', customRoleKeys: ['staging-editor'] });
    expect(service).toMatchObject({ kind: 'service', memberId: null, customRoleKeys: ['staging-editor'] });
    ciToken = service.token;
    ciTokenId = service.id;
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  describe('a reader', () => {
    it('authenticates as the member the personal token belongs to, and may read', async () => {
      const api = gantry.client(readerToken);
      const me = ok(await api.GET('/api/v1/me'));
      expect(me).toMatchObject({
        kind: 'member',
        id: reader.id,
        member: { email: 'reader@example.com', role: 'reader' },
      });
      const seen = ok(
        await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: P, flagKey: F } },
        }),
      );
      expect(seen.key).toBe(F);
    });

    it('gets 403 auth/forbidden on a PATCH, and nothing is written', async () => {
      const audit = await auditCount();
      const { error, response } = await turnOn(gantry.client(readerToken), 'staging');
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(error?.code).toBe('auth/forbidden');
      expect(error?.detail).toContain('updateOn');
      expect(await auditCount()).toBe(audit);
      expect((await getFlag()).environments).toEqual(flag.environments);
    });

    it('cannot see SDK keys', async () => {
      const env = ok(
        await gantry.client(readerToken).GET('/api/v1/projects/{projectKey}/environments/{envKey}', {
          params: { path: { projectKey: P, envKey: 'production' } },
        }),
      );
      expect(env.sdkKey).toBeNull();
      expect(env.mobileKey).toBeNull();
    });
  });

  describe('a service token with a custom role for staging only', () => {
    it('may change the flag in staging', async () => {
      const { data, response } = await turnOn(gantry.client(ciToken), 'staging');
      expect(response.status).toBe(200);
      expect(data!.environments.staging).toMatchObject({ on: true, version: 2 });
    });

    it('gets 403 in production, and production is unchanged', async () => {
      const audit = await auditCount();
      const { error, response } = await turnOn(gantry.client(ciToken), 'production');
      expect(response.status).toBe(403);
      expect(error?.code).toBe('auth/forbidden');
      expect(await auditCount()).toBe(audit);
      expect((await getFlag()).environments.production).toEqual(flag.environments.production);
    });

    it('is recorded as the token in the audit log', async () => {
      const log = ok(
        await owner.GET('/api/v1/audit-log', { params: { query: { resource: `proj/${P}:env/staging:flag/${F}` } } }),
      );
      expect(log.items.map((e) => [e.action, e.actor.kind, e.actor.id, e.actor.name])).toEqual([
        ['updateOn', 'token', ciTokenId, 'ci'],
      ]);
    });
  });

  describe('explain', () => {
    it('names the statement that allowed an action', async () => {
      const decision = ok(
        await gantry.client(ciToken).POST('/api/v1/authorization/explain', {
          body: { action: 'updateOn', resource: `proj/${P}:env/staging:flag/${F}` },
        }),
      );
      expect(decision).toEqual({
        allowed: true,
        action: 'updateOn',
        resource: `proj/${P}:env/staging:flag/${F}`,
        decidedBy: {
          source: 'customRole:staging-editor',
          statementIndex: 0,
          effect: 'allow',
          statement: STAGING_ONLY[0],
        },
        reason: expect.stringContaining('statement 0 of customRole:staging-editor allows updateOn'),
        subject: { kind: 'token', id: ciTokenId },
      });
    });

    it('says that no statement allows what was denied', async () => {
      const decision = ok(
        await gantry.client(ciToken).POST('/api/v1/authorization/explain', {
          body: { action: 'updateOn', resource: `proj/${P}:env/production:flag/${F}` },
        }),
      );
      expect(decision).toMatchObject({ allowed: false, decidedBy: null });
      expect(decision.reason).toContain('no statement allows updateOn');
    });

    it('explains another principal for an owner: the reader may view the project through role:reader', async () => {
      const decision = ok(
        await owner.POST('/api/v1/authorization/explain', {
          body: { action: 'viewProject', resource: `proj/${P}`, memberId: reader.id },
        }),
      );
      expect(decision).toMatchObject({
        allowed: true,
        subject: { kind: 'member', id: reader.id },
        decidedBy: { source: 'role:reader', statementIndex: 0, effect: 'allow' },
      });
      const forToken = ok(
        await owner.POST('/api/v1/authorization/explain', {
          body: { action: 'updateOn', resource: `proj/${P}:env/production:flag/${F}`, tokenId: ciTokenId },
        }),
      );
      expect(forToken).toMatchObject({ allowed: false, subject: { kind: 'token', id: ciTokenId } });
    });

    it('is refused to someone who may not manage that token', async () => {
      const { error, response } = await gantry.client(readerToken).POST('/api/v1/authorization/explain', {
        body: { action: 'updateOn', resource: `proj/${P}:env/staging:flag/${F}`, tokenId: ciTokenId },
      });
      expect(response.status).toBe(403);
      expect(error?.code).toBe('auth/forbidden');
    });
  });

  describe('credentials that no longer work', () => {
    it('an unknown token gets 401 auth/invalid_token', async () => {
      const { error, response } = await gantry.client('not-a-real-token-0123456789').GET('/api/v1/me');
      expect(response.status).toBe(401);
      expect(error?.code).toBe('auth/invalid_token');
    });

    it('a revoked token gets 401 auth/token_revoked', async () => {
      const created = await factory.token(owner, { name: 'short-lived', role: 'writer' });
      const api = gantry.client(created.token);
      expect((await api.GET('/api/v1/me')).response.status).toBe(200);

      const revoked = ok(await owner.DELETE('/api/v1/tokens/{id}', { params: { path: { id: created.id } } }));
      expect(revoked.id).toBe(created.id);
      expect(revoked.revokedAt).toEqual(expect.any(String));

      const { error, response } = await api.GET('/api/v1/me');
      expect(response.status).toBe(401);
      expect(error?.code).toBe('auth/token_revoked');
      expect((await turnOn(api, 'staging')).error?.code).toBe('auth/token_revoked');
    });

    it('an expired token gets 401 auth/token_expired', async () => {
      const created = await factory.token(owner, {
        name: 'expiring',
        memberId: reader.id,
        expiresAt: new Date(Date.now() + 2_000).toISOString(),
      });
      expect(created.expiresAt).toEqual(expect.any(String));
      const api = gantry.client(created.token);
      // No timing assertion: poll (generously bounded) until the server says it expired.
      const seen: number[] = [];
      let last: { status: number; code?: string } | undefined;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
        const { error, response } = await api.GET('/api/v1/me');
        last = { status: response.status, code: error?.code };
        seen.push(response.status);
        if (response.status !== 200) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(last).toEqual({ status: 401, code: 'auth/token_expired' });
      expect(seen.slice(0, -1)).toEqual(seen.slice(0, -1).map(() => 200)); // it worked until it expired
    });

    it('an admin cannot mint an owner token, nor demote or promote owners; the owner can', async () => {
      const admin = await factory.member(owner, { email: 'ada@example.com', name: 'Ada Admin', role: 'admin' });
      const adminApi = gantry.client((await factory.token(owner, { name: 'ada', memberId: admin.id })).token);
      const ownerToken = await adminApi.POST('/api/v1/tokens', { body: { name: 'escalate', role: 'owner' } });
      expect([ownerToken.response.status, ownerToken.error?.code]).toEqual([403, 'auth/forbidden']);
      const me = ok(await owner.GET('/api/v1/me'));
      const demote = await adminApi.PATCH('/api/v1/members/{id}', {
        params: { path: { id: me.id } },
        body: { role: 'reader' },
      });
      expect([demote.response.status, demote.error?.code]).toEqual([403, 'auth/forbidden']);
      const promote = await adminApi.PATCH('/api/v1/members/{id}', {
        params: { path: { id: reader.id } },
        body: { role: 'owner' },
      });
      expect(promote.response.status).toBe(403);
      const adminToken = await adminApi.POST('/api/v1/tokens', { body: { name: 'ops', role: 'admin' } });
      expect(adminToken.response.status).toBe(201);
      const byOwner = await owner.POST('/api/v1/tokens', { body: { name: 'break-glass', role: 'owner' } });
      expect(byOwner.response.status).toBe(201);
    });

    it('refuses to mint a token that is already expired', async () => {
      const { error, response } = await owner.POST('/api/v1/tokens', {
        body: { name: 'past', role: 'reader', expiresAt: '2020-01-01T00:00:00.000Z' },
      });
      expect(response.status).toBe(400);
      expect(error?.code).toBe('token/invalid_expiry');
    });
  });
});
