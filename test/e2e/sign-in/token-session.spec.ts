/**
 * Console sessions opened with a personal access token (the local default): the cookie, CSRF on
 * every cookie-authenticated write (REST and GraphQL), sign-out, revocation when the member goes,
 * and the credentials that must not open a session.
 */
import { factory, uniqueKey } from '../../support/factories';
import { startGantry, type Gantry } from '../../support/app-harness';

let g: Gantry;
beforeAll(async () => {
  g = await startGantry();
});
afterAll(async () => {
  await g?.stop();
});

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(token: string): Promise<Session> {
  const res = await g.raw('POST', '/api/v1/session', { body: { token } });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0], csrf: res.body.csrfToken };
}

const withCookie = (s: Session, csrf?: string) => ({
  headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
});

describe('token sign-in', () => {
  it('offers token sign-in and no OIDC on a machine without an identity provider', async () => {
    const res = await g.raw('GET', '/api/v1/auth/methods');
    expect(res.body).toEqual({ token: { enabled: true }, oidc: { enabled: false } });
  });

  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure over plain http) and answers who signed in', async () => {
    const res = await g.raw('POST', '/api/v1/session', { body: { token: g.ownerToken } });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gantry_session=gss_[A-Za-z0-9_-]{40,}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/);
    expect(res.body).toMatchObject({ member: { role: 'owner' }, method: 'token', csrfToken: expect.any(String) });
    expect(res.body.csrfToken).not.toContain(cookie.split(';')[0].split('=')[1]);

    const session = { cookie: cookie.split(';')[0], csrf: res.body.csrfToken as string };
    const me = await g.raw('GET', '/api/v1/me', withCookie(session));
    expect([me.status, me.body.member.role]).toEqual([200, 'owner']);
    const current = await g.raw('GET', '/api/v1/session', withCookie(session));
    expect(current.body).toMatchObject({ member: { id: me.body.member.id }, csrfToken: session.csrf, method: 'token' });
    // Only the hash is stored.
    const rows = await g.sql<{ hash: string }>('SELECT hash FROM "Session"');
    expect(rows.map((r) => r.hash)).not.toContain(session.cookie.split('=')[1]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
  });

  it('refuses a cookie-authenticated REST write without the CSRF token, and writes nothing', async () => {
    const s = await signIn(g.ownerToken);
    const key = uniqueKey('csrf');
    const body = { key, name: key, environments: [{ key: 'production', name: 'Production' }] };
    const refused = await g.raw('POST', '/api/v1/projects', { body, ...withCookie(s) });
    expect([refused.status, refused.body.code]).toEqual([403, 'auth/csrf_failed']);
    const wrong = await g.raw('POST', '/api/v1/projects', { body, ...withCookie(s, `${s.csrf.slice(0, -2)}xx`) });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'auth/csrf_failed']);
    expect(await g.sql('SELECT 1 FROM "Project" WHERE key = $1', [key])).toHaveLength(0);

    const accepted = await g.raw('POST', '/api/v1/projects', { body, ...withCookie(s, s.csrf) });
    expect(accepted.status).toBe(201);
    const [entry] = await g.sql<{ actor: { kind: string; name: string } }>(
      `SELECT actor FROM "AuditEntry" WHERE resource LIKE $1 ORDER BY id LIMIT 1`,
      [`proj/${key}%`],
    );
    expect(entry.actor.kind).toBe('member');
  });

  it('refuses a cookie-authenticated GraphQL mutation without the CSRF token', async () => {
    const s = await signIn(g.ownerToken);
    const key = uniqueKey('gql');
    const input = `{ key: "${key}", name: "${key}", environments: [{ key: "production", name: "P" }] }`;
    const query = `mutation { createProject(input: ${input}) { key } }`;
    const refused = await g.raw('POST', '/graphql', { body: { query }, ...withCookie(s) });
    expect(JSON.stringify(refused.body)).toContain('auth/csrf_failed');
    expect(await g.sql('SELECT 1 FROM "Project" WHERE key = $1', [key])).toHaveLength(0);
    const accepted = await g.raw('POST', '/graphql', { body: { query }, ...withCookie(s, s.csrf) });
    expect(accepted.body).toEqual({ data: { createProject: { key } } });
  });

  it('lets a bearer token win over a cookie, so API clients behave exactly as before', async () => {
    const s = await signIn(g.ownerToken);
    const reader = await factory.member(g.client(g.ownerToken), { role: 'reader' });
    const readerToken = await factory.token(g.client(g.ownerToken), { memberId: reader.id });
    const res = await g.raw('POST', '/api/v1/projects', {
      token: readerToken.token,
      body: { key: uniqueKey('p'), name: 'p', environments: [{ key: 'production', name: 'P' }] },
      ...withCookie(s),
    });
    expect([res.status, res.body.code]).toEqual([403, 'auth/forbidden']);
  });

  it('signs out only with the CSRF token, and the session then stops working', async () => {
    const s = await signIn(g.ownerToken);
    const refused = await g.raw('DELETE', '/api/v1/session', withCookie(s));
    expect([refused.status, refused.body.code]).toEqual([403, 'auth/csrf_failed']);
    const out = await g.raw('DELETE', '/api/v1/session', withCookie(s, s.csrf));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^gantry_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/);
    const after = await g.raw('GET', '/api/v1/me', withCookie(s));
    expect([after.status, after.body.code]).toEqual([401, 'auth/session_invalid']);
  });

  it("ends a member's sessions when the member is removed", async () => {
    const owner = g.client(g.ownerToken);
    const member = await factory.member(owner, { role: 'writer' });
    const token = await factory.token(owner, { memberId: member.id });
    const s = await signIn(token.token);
    expect((await g.raw('GET', '/api/v1/me', withCookie(s))).status).toBe(200);
    expect((await owner.DELETE('/api/v1/members/{id}', { params: { path: { id: member.id } } })).response.status).toBe(
      204,
    );
    const after = await g.raw('GET', '/api/v1/session', withCookie(s));
    expect([after.status, after.body.code]).toEqual([401, 'auth/session_invalid']);
  });

  it.each([
    [
      'a service token',
      async () => (await factory.token(g.client(g.ownerToken), { role: 'writer' })).token,
      403,
      'auth/personal_token_required',
    ],
    ['an unknown token', async () => 'gnt_not-a-real-token', 401, 'auth/invalid_token'],
    ['an empty token', async () => '', 400, 'request/invalid'],
  ])('refuses to open a session with %s', async (_, token, status, code) => {
    const res = await g.raw('POST', '/api/v1/session', { body: { token: await token() } });
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['no cookie', {}, 'auth/unauthenticated'],
    ['a forged cookie', { cookie: 'gantry_session=gss_forged' }, 'auth/session_invalid'],
    ['a malformed cookie', { cookie: 'gantry_session=a"b' }, 'auth/unauthenticated'],
  ])('answers 401 for %s', async (_, headers, code) => {
    const res = await g.raw('GET', '/api/v1/session', { headers });
    expect([res.status, res.body.code]).toEqual([401, code]);
    const me = await g.raw('GET', '/api/v1/me', { headers });
    expect(me.status).toBe(401);
  });
});

describe('token sign-in switched off', () => {
  let sso: Gantry;
  beforeAll(async () => {
    sso = await startGantry({ env: { GANTRY_TOKEN_SIGN_IN: 'false' } });
  });
  afterAll(async () => {
    await sso?.stop();
  });

  it('refuses token sign-in while tokens keep working on the API', async () => {
    const res = await sso.raw('POST', '/api/v1/session', { body: { token: sso.ownerToken } });
    expect([res.status, res.body.code]).toEqual([403, 'auth/token_sign_in_disabled']);
    expect((await sso.raw('GET', '/api/v1/me', { token: sso.ownerToken })).status).toBe(200);
    expect((await sso.raw('GET', '/api/v1/auth/methods')).body.token).toEqual({ enabled: false });
  });
});
