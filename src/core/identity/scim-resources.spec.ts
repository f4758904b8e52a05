import { parseRoleMap, parseTeamMap, type GroupMapping } from './group-mapping';
import { freeKey, groupAfterPatch, groupFromBody, provisionedRole, teamKeyFor } from './scim-group';
import { applyPatch, parsePatchRequest } from './scim-patch';
import { USER_SCHEMA } from './scim-schema';
import { userAfterPatch, userDoc, userFromBody, type UserFields } from './scim-user';
import { normalizeResource } from './scim-values';

const oktaCreate = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'Test.User@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

describe('SCIM users as members', () => {
  it("reads Okta's create body: lower-cased email, name from its parts, externalId, active", () => {
    expect(userFromBody(normalizeResource(USER_SCHEMA, oktaCreate))).toEqual({
      email: 'test.user@okta.local',
      name: 'Test User',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
  });

  it('prefers name.formatted, then givenName + familyName, then displayName, then the email', () => {
    const from = (body: object) => userFromBody(normalizeResource(USER_SCHEMA, { userName: 'a@b.c', ...body })).name;
    expect(from({ name: { formatted: 'F', givenName: 'G' }, displayName: 'D' })).toBe('F');
    expect(from({ name: { givenName: 'G' }, displayName: 'D' })).toBe('G');
    expect(from({ displayName: 'D' })).toBe('D');
    expect(from({})).toBe('a@b.c');
  });

  it('keeps externalId and active on a PUT that omits them', () => {
    const kept = { externalId: 'ext', active: false };
    expect(userFromBody(normalizeResource(USER_SCHEMA, { userName: 'a@b.c' }), kept)).toMatchObject(kept);
  });

  it('refuses a userName that is not an email, and a missing one', () => {
    expect(() => userFromBody(normalizeResource(USER_SCHEMA, { userName: 'Test_User_ab64' }))).toThrow(
      expect.objectContaining({ code: 'scim/invalid_value' }),
    );
    expect(() => userFromBody(normalizeResource(USER_SCHEMA, { name: { formatted: 'x' } }))).toThrow(
      expect.objectContaining({ code: 'scim/invalid_value' }),
    );
    expect(() => normalizeResource(USER_SCHEMA, 'text')).toThrow(
      expect.objectContaining({ code: 'scim/invalid_syntax' }),
    );
  });

  describe('after a PATCH, what changed wins', () => {
    const current: UserFields = { email: 'alice@example.com', name: 'Alice Smith', externalId: 'e1', active: true };
    const patched = (...Operations: unknown[]) => {
      const before = userDoc(current);
      return userAfterPatch(current, before, applyPatch(USER_SCHEMA, before, parsePatchRequest({ Operations })));
    };

    it('a new familyName re-derives the name; a new displayName alone is the name', () => {
      expect(patched({ op: 'Replace', path: 'name.familyName', value: 'Jones' }).name).toBe('Alice Jones');
      expect(patched({ op: 'replace', value: { displayName: 'Ali' } }).name).toBe('Ali');
      expect(patched({ op: 'replace', path: 'name.formatted', value: 'Dr Alice' }).name).toBe('Dr Alice');
    });

    it('a new userName or a new work email becomes the email (lower-cased)', () => {
      expect(patched({ op: 'Replace', path: 'userName', value: 'New@Example.com' }).email).toBe('new@example.com');
      expect(patched({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@example.com' }).email).toBe(
        'w@example.com',
      );
    });

    it('deactivates, clears externalId, refuses removing userName', () => {
      expect(patched({ op: 'Replace', path: 'active', value: 'False' })).toEqual({ ...current, active: false });
      expect(patched({ op: 'remove', path: 'externalId' }).externalId).toBeNull();
      expect(() => patched({ op: 'remove', path: 'userName' })).toThrow(
        expect.objectContaining({ code: 'scim/invalid_value' }),
      );
    });
  });
});

describe('SCIM groups as teams', () => {
  const mapping: GroupMapping = {
    roles: parseRoleMap('gantry-admins=admin,owners=owner,eng=writer'),
    teams: parseTeamMap('eng-payments=payments'),
    defaultRole: 'reader',
  };

  it('reads members by id, once each, and requires a displayName', () => {
    expect(groupFromBody({ displayName: ' Eng ', members: [{ value: 'a' }, { value: 'a' }, { value: 'b' }] })).toEqual({
      name: 'Eng',
      externalId: null,
      memberIds: ['a', 'b'],
    });
    expect(() => groupFromBody({ members: [] })).toThrow(expect.objectContaining({ code: 'scim/invalid_value' }));
    expect(() => groupAfterPatch({ displayName: 'x', members: [{ display: 'no id' }] })).toThrow(
      expect.objectContaining({ code: 'scim/invalid_value' }),
    );
  });

  it('keys a team by the mapping, else by a slug of the name, made unique', () => {
    expect(teamKeyFor(mapping, 'eng-payments')).toEqual({ key: 'payments', mapped: true });
    expect(teamKeyFor(mapping, 'Équipe Données (Paris)')).toEqual({ key: 'equipe-donnees-paris', mapped: false });
    expect(teamKeyFor(mapping, '***')).toEqual({ key: 'group', mapped: false });
    expect(freeKey('eng', new Set(['eng', 'eng-2']))).toBe('eng-3');
    expect(freeKey('eng', new Set())).toBe('eng');
  });

  it("recomputes a member's role from their groups, never making or unmaking an owner", () => {
    expect(provisionedRole(mapping, ['eng', 'gantry-admins'], 'reader')).toBe('admin');
    expect(provisionedRole(mapping, [], 'writer')).toBe('reader');
    expect(provisionedRole(mapping, ['eng'], 'writer')).toBeNull();
    expect(provisionedRole(mapping, ['owners'], 'reader')).toBe('admin');
    expect(provisionedRole(mapping, [], 'owner')).toBeNull();
  });
});
