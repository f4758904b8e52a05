/**
 * Okta's SCIM 2.0 provisioning connector, replayed request by request from Okta's "SCIM 2.0
 * provisioning" reference: test connection, look a user up by userName (nothing), create, read,
 * find, update by PUT and PATCH, deactivate ({"op":"replace","value":{"active":false}}), reactivate,
 * push a group, add and remove members, rename it, delete. The answers are the ones Okta expects.
 */
import { startGantry, type Gantry } from '../../support/app-harness';
import { ok } from '../../support/factories';
import {
  ERROR_URN,
  filterQuery,
  GROUP_URN,
  issueScimToken,
  LIST_URN,
  liveCredentials,
  patchOp,
  personalTokenAndSession,
  scimClient,
  USER_URN,
  type ScimCall,
} from '../../support/scim';

jest.setTimeout(120_000);

const BASE = 'https://gantry.example.com/scim/v2';

describe("Okta's SCIM 2.0 request sequence", () => {
  let g: Gantry;
  let scim: ScimCall;
  let scimTokenId: string;
  let scimSecret: string;
  let userId: string;
  let groupId: string;

  const memberRole = async (id: string) =>
    ok(await g.client(g.ownerToken).GET('/api/v1/members/{id}', { params: { path: { id } } })).role;

  beforeAll(async () => {
    g = await startGantry({
      env: {
        GANTRY_PUBLIC_URL: 'https://gantry.example.com',
        GANTRY_GROUP_ROLES: 'Test SCIMv2=writer,gantry-admins=admin',
        LOG_LEVEL: 'info',
      },
    });
    ({ token: scimSecret, id: scimTokenId } = await issueScimToken(g, 'okta'));
    scim = scimClient(g, scimSecret);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('tests the connection with a page of two users', async () => {
    const res = await scim('GET', '/Users?startIndex=1&count=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({ schemas: [LIST_URN], startIndex: 1, itemsPerPage: 1, totalResults: 1 });
    // The bootstrap owner is the one member so far.
    expect(res.body.Resources[0]).toMatchObject({ schemas: [USER_URN], userName: 'owner@gantry.local', active: true });
  });

  it('looks the user up by userName and finds nothing', async () => {
    const res = await scim(
      'GET',
      `/Users${filterQuery('userName eq "test.user@okta.local"', '&startIndex=1&count=100')}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [LIST_URN], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('creates the user (201, Location, the resource with its id and meta)', async () => {
    const res = await scim('POST', '/Users', {
      schemas: [USER_URN],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(res.status).toBe(201);
    userId = res.body.id;
    expect(res.body).toMatchObject({
      schemas: [USER_URN],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      externalId: '00ujl29u0le5T6Aj10h7',
      userName: 'test.user@okta.local',
      name: { formatted: 'Test User', givenName: 'Test', familyName: 'User' },
      displayName: 'Test User',
      emails: [{ value: 'test.user@okta.local', type: 'work', primary: true }],
      active: true,
      groups: [],
      meta: { resourceType: 'User', location: `${BASE}/Users/${userId}` },
    });
    expect(res.body).not.toHaveProperty('password');
    expect(res.headers.get('location')).toBe(`${BASE}/Users/${userId}`);
    expect(res.headers.get('etag')).toBe(res.body.meta.version);
    expect(res.body.meta.created).toBe(res.body.meta.lastModified);
    // A member with the default role (GANTRY_DEFAULT_ROLE, reader), IdP-managed.
    const member = ok(await g.client(g.ownerToken).GET('/api/v1/members/{id}', { params: { path: { id: userId } } }));
    expect(member).toMatchObject({ email: 'test.user@okta.local', name: 'Test User', role: 'reader', active: true });
    expect(member.externalId).toBe('00ujl29u0le5T6Aj10h7');
  });

  it('reads the user by id and finds them by userName', async () => {
    const one = await scim('GET', `/Users/${userId}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: userId, userName: 'test.user@okta.local', active: true });
    const found = await scim(
      'GET',
      `/Users${filterQuery('userName eq "test.user@okta.local"', '&startIndex=1&count=100')}`,
    );
    expect(found.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([userId]);
  });

  it('updates the profile with PUT (the whole user, as Okta sends it)', async () => {
    const res = await scim('PUT', `/Users/${userId}`, {
      schemas: [USER_URN],
      id: userId,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: userId, name: { formatted: 'Another User' }, displayName: 'Another User' });
  });

  it('updates the profile with PATCH (no path, a value object)', async () => {
    const res = await scim(
      'PATCH',
      `/Users/${userId}`,
      patchOp({ op: 'replace', value: { displayName: 'Test User' } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: userId, displayName: 'Test User', active: true });
  });

  it('deactivates the user: their token and browser sessions end at once, in the same transaction', async () => {
    const personal = await personalTokenAndSession(g, userId);
    expect((await g.raw('GET', '/api/v1/me', { token: personal })).status).toBe(200);
    expect(await liveCredentials(g, userId)).toEqual({ tokens: 1, sessions: 1 });

    const res = await scim('PATCH', `/Users/${userId}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: userId, active: false });

    const refused = await g.raw('GET', '/api/v1/me', { token: personal });
    expect([refused.status, refused.body.code]).toEqual([401, 'auth/token_revoked']);
    expect(await liveCredentials(g, userId)).toEqual({ tokens: 0, sessions: 0 });
    // Even a token someone un-revoked by hand does not authenticate a deactivated member.
    await g.sql(`UPDATE "AccessToken" SET "revokedAt" = NULL WHERE "memberId" = $1`, [userId]);
    const deactivated = await g.raw('GET', '/api/v1/me', { token: personal });
    expect([deactivated.status, deactivated.body.code]).toEqual([401, 'auth/member_deactivated']);
    await g.sql(`UPDATE "AccessToken" SET "revokedAt" = now() WHERE "memberId" = $1`, [userId]);
  });

  it('reactivates the user; their old token stays revoked', async () => {
    const res = await scim('PATCH', `/Users/${userId}`, patchOp({ op: 'replace', value: { active: true } }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(true);
    expect(await liveCredentials(g, userId)).toEqual({ tokens: 0, sessions: 0 });
  });

  it('pushes a group (a team keyed by a slug of its name)', async () => {
    const res = await scim('POST', '/Groups', { schemas: [GROUP_URN], displayName: 'Test SCIMv2', members: [] });
    expect(res.status).toBe(201);
    groupId = res.body.id;
    expect(res.body).toMatchObject({
      schemas: [GROUP_URN],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      displayName: 'Test SCIMv2',
      members: [],
      meta: { resourceType: 'Group', location: `${BASE}/Groups/${groupId}` },
    });
    const team = ok(
      await g.client(g.ownerToken).GET('/api/v1/teams/{key}', { params: { path: { key: 'test-scimv2' } } }),
    );
    expect(team).toMatchObject({ key: 'test-scimv2', name: 'Test SCIMv2', memberIds: [] });
    const found = await scim('GET', `/Groups${filterQuery('displayName eq "Test SCIMv2"')}`);
    expect(found.body).toMatchObject({ schemas: [LIST_URN], totalResults: 1 });
  });

  it('adds a member (204); their role follows the group (GANTRY_GROUP_ROLES)', async () => {
    const res = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: userId, display: 'test.user@okta.local' }] }),
    );
    expect([res.status, res.text]).toEqual([204, '']);
    const group = await scim('GET', `/Groups/${groupId}`);
    expect(group.body.members).toEqual([
      { value: userId, display: 'Test User', type: 'User', $ref: `${BASE}/Users/${userId}` },
    ]);
    expect(await memberRole(userId)).toBe('writer');
    const user = await scim('GET', `/Users/${userId}`);
    expect(user.body.groups).toEqual([{ value: groupId, display: 'Test SCIMv2', $ref: `${BASE}/Groups/${groupId}` }]);
  });

  it('removes the member by a value filter (204); the role goes back to the default', async () => {
    const res = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'remove', path: `members[value eq "${userId}"]` }),
    );
    expect(res.status).toBe(204);
    expect((await scim('GET', `/Groups/${groupId}`)).body.members).toEqual([]);
    expect(await memberRole(userId)).toBe('reader');
  });

  it('renames the group (the id repeated in the value, as Okta sends it)', async () => {
    const res = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2 renamed' } }),
    );
    expect(res.status).toBe(204);
    expect((await scim('GET', `/Groups/${groupId}`)).body.displayName).toBe('Test SCIMv2 renamed');
    // The key is the team's identity in Gantry: a rename keeps it.
    const team = ok(
      await g.client(g.ownerToken).GET('/api/v1/teams/{key}', { params: { path: { key: 'test-scimv2' } } }),
    );
    expect(team.name).toBe('Test SCIMv2 renamed');
  });

  it('deletes the group and the user (204), after which both are 404 in SCIM shape', async () => {
    expect((await scim('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect((await scim('DELETE', `/Users/${userId}`)).status).toBe(204);
    const gone = await scim('GET', `/Users/${userId}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ schemas: [ERROR_URN], status: '404', code: 'member/not_found' });
    expect((await scim('GET', `/Groups/${groupId}`)).body).toMatchObject({ status: '404', code: 'team/not_found' });
  });

  it('audited every change as the SCIM token, named', async () => {
    const log = await g.raw('GET', `/api/v1/audit-log?actor=${scimTokenId}&limit=100`, { token: g.ownerToken });
    expect(log.status).toBe(200);
    const entries = (log.body.items as { action: string; resource: string; actor: object }[]).reverse();
    expect(entries.map((e) => [e.action, e.resource])).toEqual([
      ['createMember', `member/${userId}`],
      ['updateMember', `member/${userId}`],
      ['updateMember', `member/${userId}`],
      ['deactivateMember', `member/${userId}`],
      ['reactivateMember', `member/${userId}`],
      ['createTeam', 'team/test-scimv2'],
      ['updateTeam', 'team/test-scimv2'],
      ['updateMember', `member/${userId}`],
      ['updateTeam', 'team/test-scimv2'],
      ['updateMember', `member/${userId}`],
      ['updateTeam', 'team/test-scimv2'],
      ['deleteTeam', 'team/test-scimv2'],
      ['deleteMember', `member/${userId}`],
    ]);
    expect(entries[0].actor).toEqual({ kind: 'token', id: scimTokenId, name: 'okta', tokenId: scimTokenId });
  });

  it('counts requests in gantry_scim_requests_total and logs each action without secrets', async () => {
    const metrics = await g.raw<string>('GET', '/metrics');
    expect(metrics.text).toContain('gantry_scim_requests_total{resource="User",operation="create",outcome="ok"} 1');
    expect(metrics.text).toContain('gantry_scim_requests_total{resource="User",operation="list",outcome="ok"} 3');
    expect(metrics.text).toContain('gantry_scim_requests_total{resource="Group",operation="patch",outcome="ok"} 3');
    expect(metrics.text).toContain('gantry_scim_requests_total{resource="User",operation="get",outcome="not_found"} 1');
    const lines = g
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"scim":'))
      .map((l) => JSON.parse(l) as { scim: Record<string, string> });
    expect(lines.map((l) => `${l.scim.resource} ${l.scim.operation} ${l.scim.outcome}`)).toEqual([
      'User create ok',
      'User replace ok',
      'User patch ok',
      'User patch ok',
      'User patch ok',
      'Group create ok',
      'Group patch ok',
      'Group patch ok',
      'Group patch ok',
      'Group delete ok',
      'User delete ok',
    ]);
    expect(lines[0].scim).toEqual({
      resource: 'User',
      operation: 'create',
      outcome: 'ok',
      id: userId,
      tokenId: scimTokenId,
    });
    expect(g.stdout()).not.toContain(scimSecret);
  });
});
