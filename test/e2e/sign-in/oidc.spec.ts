/**
 * Single sign-on against a real OpenID Connect provider on loopback: just-in-time provisioning with
 * mapped role and teams, re-mapping on the next sign-in, and every refusal the flow owes (state,
 * nonce, issuer, replay, another browser, email domain, deactivated member), plus session revocation.
 */
import { startGantry, type Gantry } from '../../support/app-harness';
import { factory } from '../../support/factories';
import { eventually } from '../../support/delivery';
import {
  providerPort,
  signInThroughProvider,
  ssoEnv,
  startIdentityProvider,
  type IdentityProvider,
  type Person,
} from '../../support/oidc';

let g: Gantry;
let idp: IdentityProvider;
let otherIdp: IdentityProvider;

beforeAll(async () => {
  const port = await providerPort();
  g = await startGantry({
    env: ssoEnv(port, {
      GANTRY_GROUP_ROLES: 'gantry-approvers=writer,gantry-admins=admin',
      GANTRY_GROUP_TEAMS: 'eng-payments=payments,eng-web=web',
      GANTRY_OIDC_ALLOWED_DOMAINS: 'example.com',
    }),
  });
  idp = await startIdentityProvider(port, `${g.baseUrl}/auth/oidc/callback`);
  // Another provider that knows the same client: its answers must not be taken for the configured one's.
  otherIdp = await startIdentityProvider(await providerPort(), `${g.baseUrl}/auth/oidc/callback`);
});
afterAll(async () => {
  await Promise.all([idp?.stop(), otherIdp?.stop()]);
  await g?.stop();
});

async function as(person: Person, provider = idp): Promise<void> {
  await provider.person(person);
  await provider.nextLogin(person.sub);
}

const session = (cookie: string | undefined) => g.raw('GET', '/api/v1/session', { headers: { cookie: cookie ?? '' } });
const memberByEmail = async (email: string) =>
  (await g.client(g.ownerToken).GET('/api/v1/members')).data?.items.find((m) => m.email === email);
const signInError = (location: string) => new URL(location, g.baseUrl).searchParams.get('sign_in_error');

describe('OIDC sign-in', () => {
  it('offers the identity provider and no token sign-in once SSO is configured', async () => {
    const res = await g.raw('GET', '/auth/methods');
    expect(res.body).toEqual({
      token: { enabled: false },
      oidc: { enabled: true, displayName: 'Test IdP', loginUrl: '/auth/oidc/login' },
    });
  });

  it('provisions the member on first sign-in with the mapped role and teams, and returns to the page asked for', async () => {
    await as({
      sub: 'ada',
      email: 'Ada@example.com',
      name: 'Ada Lovelace',
      groups: ['gantry-approvers', 'eng-payments', 'sales'],
    });
    const result = await signInThroughProvider(g, '/ui/change-requests/42');
    expect(result.location).toBe('/ui/change-requests/42');
    const current = await session(result.session);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      member: { email: 'ada@example.com', name: 'Ada Lovelace', role: 'writer' },
      method: 'oidc',
    });
    expect(await memberByEmail('ada@example.com')).toMatchObject({ role: 'writer', teamKeys: ['payments'] });
    const [entry] = await g.sql<{ actor: { name: string } }>(
      `SELECT actor FROM "AuditEntry" WHERE action = 'createMember' AND after->>'email' = 'ada@example.com'`,
    );
    expect(entry.actor.name).toBe('OIDC sign-in of ada@example.com');
  });

  it('re-maps role and teams on the next sign-in after the groups change, keeping teams assigned by hand', async () => {
    const owner = g.client(g.ownerToken);
    const ada = await memberByEmail('ada@example.com');
    await owner.POST('/api/v1/teams', { body: { key: 'reviewers', name: 'Reviewers', memberIds: [ada!.id] } });
    await as({ sub: 'ada', email: 'ada@example.com', name: 'Ada King', groups: ['gantry-admins', 'eng-web'] });
    const result = await signInThroughProvider(g);
    expect((await session(result.session)).body.member).toMatchObject({ id: ada!.id, role: 'admin', name: 'Ada King' });
    expect(await memberByEmail('ada@example.com')).toMatchObject({
      id: ada!.id,
      role: 'admin',
      teamKeys: ['reviewers', 'web'],
    });
  });

  it('links a member created in Gantry by their email, and never demotes an owner', async () => {
    const olga = await factory.member(g.client(g.ownerToken), { email: 'olga@example.com', role: 'owner' });
    await as({ sub: 'olga-at-idp', email: 'olga@example.com', name: 'Olga', groups: [] });
    const result = await signInThroughProvider(g);
    expect((await session(result.session)).body.member).toMatchObject({ id: olga.id, role: 'owner', name: 'Olga' });
  });

  it('refuses a callback whose state was not issued to this browser, or was already used', async () => {
    await as({ sub: 'bob', email: 'bob@example.com', groups: [] });
    const forged = await signInThroughProvider(g, '/ui/', {
      callbackUrl: (u) => {
        u.searchParams.set('state', 'forged-state');
        return u;
      },
    });
    expect([signInError(forged.location), forged.session]).toEqual(['oidc/state_invalid', undefined]);

    await idp.nextLogin('bob');
    const elsewhere = await signInThroughProvider(g, '/ui/', { dropGantryCookies: true });
    expect([signInError(elsewhere.location), elsewhere.session]).toEqual(['oidc/state_invalid', undefined]);

    await idp.nextLogin('bob');
    const good = await signInThroughProvider(g);
    expect(good.session).toBeDefined();
    const replay = await fetch(good.callback, {
      redirect: 'manual',
      headers: { cookie: good.jar.header(good.callback) },
    });
    expect(signInError(replay.headers.get('location') ?? '')).toBe('oidc/state_invalid');
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('gantry_session=gss_'))).toBe(false);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    await as({ sub: 'carol', email: 'carol@example.com' });
    const result = await signInThroughProvider(g, '/ui/', {
      authorizationUrl: (u) => {
        u.searchParams.set('nonce', 'a-nonce-of-the-attackers-choosing');
        return u;
      },
    });
    expect([signInError(result.location), result.session]).toEqual(['oidc/sign_in_failed', undefined]);
    expect(await memberByEmail('carol@example.com')).toBeUndefined();
  });

  it('refuses an answer from another issuer than the configured one', async () => {
    await as({ sub: 'mallory', email: 'mallory@example.com' }, otherIdp);
    const result = await signInThroughProvider(g, '/ui/', {
      authorizationUrl: (u) => new URL(`${u.pathname}${u.search}`, otherIdp.issuer),
    });
    expect([signInError(result.location), result.session]).toEqual(['oidc/sign_in_failed', undefined]);
    expect(await memberByEmail('mallory@example.com')).toBeUndefined();
  });

  it.each([
    ['an email outside the allowed domains', { sub: 'eve', email: 'eve@evil.example' }],
    ['an email the provider says is unverified', { sub: 'vic', email: 'vic@example.com', email_verified: false }],
  ])('refuses %s and provisions nobody', async (_, person) => {
    await as(person);
    const result = await signInThroughProvider(g);
    expect([signInError(result.location), result.session]).toEqual(['oidc/email_not_allowed', undefined]);
    expect(await memberByEmail(person.email)).toBeUndefined();
  });

  it('refuses a deactivated member, and ends sessions when the member is removed', async () => {
    await as({ sub: 'dan', email: 'dan@example.com', groups: ['gantry-approvers'] });
    const first = await signInThroughProvider(g);
    expect((await session(first.session)).status).toBe(200);
    const dan = await memberByEmail('dan@example.com');

    await g.sql(`UPDATE "Member" SET "deactivatedAt" = now() WHERE id = $1`, [dan!.id]);
    const refusedSession = await session(first.session);
    expect([refusedSession.status, refusedSession.body.code]).toEqual([401, 'auth/member_deactivated']);
    await idp.nextLogin('dan');
    const again = await signInThroughProvider(g);
    expect([signInError(again.location), again.session]).toEqual(['auth/member_deactivated', undefined]);

    await g.sql(`UPDATE "Member" SET "deactivatedAt" = NULL WHERE id = $1`, [dan!.id]);
    await idp.nextLogin('dan');
    const back = await signInThroughProvider(g);
    expect((await session(back.session)).status).toBe(200);
    await g.client(g.ownerToken).DELETE('/api/v1/members/{id}', { params: { path: { id: dan!.id } } });
    const gone = await session(back.session);
    expect([gone.status, gone.body.code]).toEqual([401, 'auth/session_invalid']);
  });

  it('never redirects outside the console after signing in', async () => {
    await as({ sub: 'fay', email: 'fay@example.com' });
    const result = await signInThroughProvider(g, 'https://evil.example/ui/');
    expect(result.location).toBe('/ui/');
    expect(result.session).toBeDefined();
  });

  it('refuses token sign-in while SSO is the way in, yet keeps bearer tokens working on the API', async () => {
    const res = await g.raw('POST', '/api/v1/session', { body: { token: g.ownerToken } });
    expect([res.status, res.body.code]).toEqual([403, 'auth/token_sign_in_disabled']);
    expect((await g.raw('GET', '/api/v1/me', { token: g.ownerToken })).status).toBe(200);
    const personal = await factory.token(g.client(g.ownerToken), {
      memberId: (await memberByEmail('ada@example.com'))!.id,
    });
    expect((await g.raw('GET', '/api/v1/me', { token: personal.token })).body.member.email).toBe('ada@example.com');
  });
});

describe('OIDC with an identity provider Gantry may not reach', () => {
  let blocked: Gantry;
  beforeAll(async () => {
    const env = ssoEnv(await providerPort());
    delete env.GANTRY_OUTBOUND_ALLOW;
    blocked = await startGantry({ env });
  });
  afterAll(async () => {
    await blocked?.stop();
  });

  it('answers 502 rather than call a loopback address the operator did not allow', async () => {
    const res = await blocked.raw('GET', '/auth/oidc/login');
    expect([res.status, res.body.code]).toEqual([502, 'oidc/provider_unavailable']);
    // The log line may reach this process's pipe after the response does.
    await eventually(() => expect(blocked.stdout()).toContain('GANTRY_OUTBOUND_ALLOW'));
  });
});
