/**
 * Microsoft Entra ID's provisioning service, replayed from its "SCIM 2.0 protocol compliance"
 * request examples: capitalised ops, booleans as strings ("False"), the enterprise extension,
 * `emails[type eq "work"].value` paths, groups read with excludedAttributes=members, members
 * removed by value list. userName carries the UPN (an email address), as Entra maps it by default.
 */
import { startGantry, type Gantry } from '../../support/app-harness';
import { ok } from '../../support/factories';
import {
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

const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA_GROUP_URN = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const UPN = 'test_user_ab6490ee@testuser.com';

describe("Entra ID's SCIM 2.0 request sequence", () => {
  let g: Gantry;
  let scim: ScimCall;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    g = await startGantry({
      env: { GANTRY_GROUP_ROLES: 'gantry-admins=admin', GANTRY_GROUP_TEAMS: 'eng-payments=payments' },
    });
    scim = scimClient(g, (await issueScimToken(g, 'entra')).token);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('gets a user by a query with zero results', async () => {
    const res = await scim('GET', `/Users${filterQuery('userName eq "non-existent user"')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [LIST_URN], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('creates a user (enterprise extension and roles accepted and dropped)', async () => {
    const res = await scim('POST', '/Users', {
      schemas: [USER_URN, ENTERPRISE_URN],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: UPN,
      active: true,
      emails: [{ primary: true, type: 'work', value: UPN }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE_URN]: { department: 'R&D', manager: { value: 'someone' } },
    });
    expect(res.status).toBe(201);
    userId = res.body.id;
    expect(res.body).toMatchObject({
      schemas: [USER_URN],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: UPN,
      name: { formatted: 'givenName familyName', givenName: 'givenName', familyName: 'familyName' },
      active: true,
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String) },
    });
    expect(res.body).not.toHaveProperty(ENTERPRISE_URN);
  });

  it('gets the user, and finds them by userName and by externalId', async () => {
    expect((await scim('GET', `/Users/${userId}`)).body).toMatchObject({ id: userId, userName: UPN });
    const byUserName = await scim('GET', `/Users${filterQuery(`userName eq "${UPN.toUpperCase()}"`)}`);
    expect(byUserName.body).toMatchObject({ schemas: [LIST_URN], totalResults: 1, itemsPerPage: 1 });
    expect(byUserName.body.Resources[0].id).toBe(userId);
    const byExternalId = await scim(
      'GET',
      `/Users${filterQuery('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`,
    );
    expect(byExternalId.body.Resources.map((r: { id: string }) => r.id)).toEqual([userId]);
  });

  it('updates multi-valued properties: the work email (which is the userName) and the family name', async () => {
    const res = await scim(
      'PATCH',
      `/Users/${userId}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: userId,
      userName: 'updatedemail@microsoft.com',
      emails: [{ value: 'updatedemail@microsoft.com', type: 'work', primary: true }],
      name: { formatted: 'givenName updatedFamilyName' },
    });
  });

  it('updates single-valued properties: userName', async () => {
    const res = await scim(
      'PATCH',
      `/Users/${userId}`,
      patchOp({ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }),
    );
    expect(res.status).toBe(200);
    expect(res.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('disables the user with "False": their token and sessions are revoked at once', async () => {
    const personal = await personalTokenAndSession(g, userId);
    // A real console session too, opened with the personal token.
    const signIn = await g.raw('POST', '/api/v1/session', { body: { token: personal } });
    expect(signIn.status).toBe(201);
    const cookie = /gantry_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')![0];
    expect((await g.raw('GET', '/api/v1/session', { headers: { cookie } })).status).toBe(200);

    const res = await scim('PATCH', `/Users/${userId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await g.raw('GET', '/api/v1/me', { token: personal })).status).toBe(401);
    expect((await g.raw('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
    expect(await liveCredentials(g, userId)).toEqual({ tokens: 0, sessions: 0 });
    const member = ok(await g.client(g.ownerToken).GET('/api/v1/members/{id}', { params: { path: { id: userId } } }));
    expect(member.active).toBe(false);
  });

  it('creates a group (Entra schema and externalId); its key comes from GANTRY_GROUP_TEAMS', async () => {
    const res = await scim('POST', '/Groups', {
      schemas: [GROUP_URN, ENTRA_GROUP_URN],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'eng-payments',
      meta: { resourceType: 'Group' },
    });
    expect(res.status).toBe(201);
    groupId = res.body.id;
    expect(res.body).toMatchObject({
      schemas: [GROUP_URN],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'eng-payments',
      members: [],
      meta: { resourceType: 'Group', version: expect.stringMatching(/^W\/"/) },
    });
    const team = ok(await g.client(g.ownerToken).GET('/api/v1/teams/{key}', { params: { path: { key: 'payments' } } }));
    expect(team.name).toBe('eng-payments');
  });

  it('gets the group with excludedAttributes=members, by id and by displayName', async () => {
    const one = await scim('GET', `/Groups/${groupId}?excludedAttributes=members`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: groupId, displayName: 'eng-payments' });
    expect(one.body).not.toHaveProperty('members');
    const found = await scim(
      'GET',
      `/Groups${filterQuery('displayName eq "eng-payments"', '&excludedAttributes=members')}`,
    );
    expect(found.body).toMatchObject({ schemas: [LIST_URN], totalResults: 1 });
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    expect(found.body.Resources[0].id).toBe(groupId);
  });

  it('updates a group: displayName by path, then adds and removes members ({"$ref":null,"value":...})', async () => {
    const renamed = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'Replace', path: 'displayName', value: 'gantry-admins' }),
    );
    expect(renamed.status).toBe(204);
    const added = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }),
    );
    expect(added.status).toBe(204);
    const group = await scim('GET', `/Groups/${groupId}`);
    expect(group.body).toMatchObject({ displayName: 'gantry-admins', members: [{ value: userId }] });
    // The group is now named as GANTRY_GROUP_ROLES maps to admin: the IdP-managed member follows.
    let member = ok(await g.client(g.ownerToken).GET('/api/v1/members/{id}', { params: { path: { id: userId } } }));
    expect(member.role).toBe('admin');

    const removed = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] }),
    );
    expect(removed.status).toBe(204);
    expect((await scim('GET', `/Groups/${groupId}`)).body.members).toEqual([]);
    member = ok(await g.client(g.ownerToken).GET('/api/v1/members/{id}', { params: { path: { id: userId } } }));
    expect(member.role).toBe('reader');
  });

  it('deletes the group and the user (204)', async () => {
    expect((await scim('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect((await scim('DELETE', `/Users/${userId}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${userId}`)).status).toBe(404);
    const teams = ok(await g.client(g.ownerToken).GET('/api/v1/teams'));
    expect(teams.items.map((t) => t.key)).toEqual([]);
  });

  it('answers the discovery endpoints truthfully', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((r: { id: string; endpoint: string }) => [r.id, r.endpoint])).toEqual([
      ['User', '/Users'],
      ['Group', '/Groups'],
    ]);
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_URN, GROUP_URN]);
    const user = await scim('GET', `/Schemas/${USER_URN}`);
    expect(user.body.attributes.map((a: { name: string }) => a.name)).toEqual([
      'id',
      'externalId',
      'userName',
      'name',
      'displayName',
      'emails',
      'active',
      'groups',
    ]);
    expect((await scim('GET', '/ResourceTypes/Group')).body.schema).toBe(GROUP_URN);
    expect((await scim('GET', '/Schemas/urn:example:nothing')).status).toBe(404);
  });
});
