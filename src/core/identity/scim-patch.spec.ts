import { applyPatch, parsePatchRequest } from './scim-patch';
import { GROUP_SCHEMA, SCIM_URN, USER_SCHEMA } from './scim-schema';
import type { ScimDoc } from './scim-values';

const patchOf = (...Operations: unknown[]) => ({ schemas: [SCIM_URN.patchOp], Operations });
const patchUser = (doc: ScimDoc, ...ops: unknown[]) => applyPatch(USER_SCHEMA, doc, parsePatchRequest(patchOf(...ops)));
const patchGroup = (doc: ScimDoc, ...ops: unknown[]) =>
  applyPatch(GROUP_SCHEMA, doc, parsePatchRequest(patchOf(...ops)));

const alice = (): ScimDoc => ({
  externalId: 'ext-1',
  userName: 'alice@example.com',
  name: { formatted: 'Alice Smith', givenName: 'Alice', familyName: 'Smith' },
  displayName: 'Alice Smith',
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
  active: true,
});
const team = (...ids: string[]): ScimDoc => ({ displayName: 'Engineering', members: ids.map((value) => ({ value })) });

describe('the SCIM PATCH interpreter', () => {
  describe('Okta dialect', () => {
    it('deactivates with a value object and no path', () => {
      expect(patchUser(alice(), { op: 'replace', value: { active: false } }).active).toBe(false);
    });

    it('renames a group with the id repeated in the value object (ignored)', () => {
      const out = patchGroup(team('u1'), { op: 'replace', value: { id: 'g1', displayName: 'Platform' } });
      expect(out).toEqual({ displayName: 'Platform', members: [{ value: 'u1' }] });
    });

    it('adds members, once each, and removes one by a value filter', () => {
      const added = patchGroup(team('u1'), {
        op: 'add',
        path: 'members',
        value: [
          { value: 'u2', display: 'bob@example.com' },
          { value: 'u1', display: 'alice@example.com' },
        ],
      });
      expect(added.members).toEqual([{ value: 'u1' }, { value: 'u2', display: 'bob@example.com' }]);
      const removed = patchGroup(added, { op: 'remove', path: 'members[value eq "u1"]' });
      expect(removed.members).toEqual([{ value: 'u2', display: 'bob@example.com' }]);
    });

    it('sets dotted keys of a value object', () => {
      const out = patchUser(alice(), { op: 'replace', value: { 'name.givenName': 'Alicia', displayName: 'A. Smith' } });
      expect(out.name).toEqual({ formatted: 'Alice Smith', givenName: 'Alicia', familyName: 'Smith' });
      expect(out.displayName).toBe('A. Smith');
    });
  });

  describe('Entra ID dialect', () => {
    it('takes capitalised ops and booleans written as strings', () => {
      expect(patchUser(alice(), { op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
      expect(patchUser(alice(), { op: 'replace', path: 'active', value: 'true' }).active).toBe(true);
    });

    it('replaces the work email through a filtered path, and creates it when there is none', () => {
      const out = patchUser(
        alice(),
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'Jones' },
      );
      expect(out.emails).toEqual([{ value: 'updated@example.com', type: 'work', primary: true }]);
      expect(out.name).toEqual({ formatted: 'Alice Smith', givenName: 'Alice', familyName: 'Jones' });
      const none = patchUser(
        { userName: 'a@b.c' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'x@y.z' },
      );
      expect(none.emails).toEqual([{ type: 'work', value: 'x@y.z' }]);
    });

    it('removes only the members given as values on a path without filter', () => {
      const out = patchGroup(team('u1', 'u2', 'u3'), {
        op: 'Remove',
        path: 'members',
        value: [{ $ref: null, value: 'u1' }, { value: 'u3' }],
      });
      expect(out.members).toEqual([{ value: 'u2' }]);
    });

    it('adds members with $ref null and replaces displayName by path', () => {
      const out = patchGroup(
        team(),
        { op: 'Add', path: 'members', value: [{ $ref: null, value: 'u9' }] },
        { op: 'Replace', path: 'displayName', value: 'Renamed' },
      );
      expect(out).toEqual({ displayName: 'Renamed', members: [{ value: 'u9' }] });
    });

    it('accepts and drops enterprise-extension attributes, by URN path or as a value object key', () => {
      const enterprise = `${SCIM_URN.enterpriseUser}:department`;
      expect(patchUser(alice(), { op: 'Add', path: enterprise, value: 'R&D' })).toEqual(alice());
      expect(patchUser(alice(), { op: 'replace', value: { [SCIM_URN.enterpriseUser]: { department: 'x' } } })).toEqual(
        alice(),
      );
      expect(patchUser(alice(), { op: 'replace', path: 'title', value: 'CTO' })).toEqual(alice());
    });

    it('reads core attributes behind the schema URN', () => {
      const out = patchUser(alice(), { op: 'replace', path: `${SCIM_URN.user}:userName`, value: 'new@example.com' });
      expect(out.userName).toBe('new@example.com');
    });
  });

  it('replaces the whole member list, clears it with remove and no value', () => {
    expect(patchGroup(team('u1'), { op: 'replace', path: 'members', value: [{ value: 'u5' }] }).members).toEqual([
      { value: 'u5' },
    ]);
    expect(patchGroup(team('u1'), { op: 'remove', path: 'members' }).members).toBeUndefined();
  });

  it('removes an attribute, and a value filter matching nothing removes nothing', () => {
    expect(patchUser(alice(), { op: 'remove', path: 'externalId' }).externalId).toBeUndefined();
    expect(patchGroup(team('u1'), { op: 'remove', path: 'members[value eq "nobody"]' }).members).toEqual([
      { value: 'u1' },
    ]);
  });

  it('does not change the document it was given', () => {
    const doc = alice();
    patchUser(doc, { op: 'replace', value: { active: false, 'name.givenName': 'X' } });
    expect(doc).toEqual(alice());
  });

  it.each([
    [{ op: 'replace', path: 'shoeSize', value: 1 }, 'scim/invalid_path', "'shoeSize' is not a known attribute"],
    [{ op: 'replace', path: 'name.nickname', value: 'x' }, 'scim/invalid_path', "'nickname' is not a sub-attribute"],
    [{ op: 'replace', path: 'urn:example:x:foo', value: 'x' }, 'scim/invalid_path', 'names a schema'],
    [{ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }, 'scim/invalid_path', "'kind' is not"],
    [{ op: 'replace', path: 'emails[type sw "w"].value', value: 'x' }, 'scim/invalid_path', "'sw' is not supported"],
    [{ op: 'replace', path: 'userName[type eq "x"]', value: 'x' }, 'scim/invalid_path', 'only a multi-valued'],
    [{ op: 'replace', path: 'id', value: 'x' }, 'scim/mutability', "'id' is read-only"],
    [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }, 'scim/mutability', "'groups' is read-only"],
    [{ op: 'replace', path: 'active', value: 'maybe' }, 'scim/invalid_value', "'active' must be a boolean"],
    [{ op: 'replace', path: 'userName', value: 42 }, 'scim/invalid_value', "'userName' must be a string"],
    [{ op: 'replace', value: 'nope' }, 'scim/invalid_value', 'takes an object of attributes'],
    [{ op: 'remove' }, 'scim/no_target', 'needs a path'],
    [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'x' } }, 'scim/no_target', 'matches the filter'],
    [{ op: 'move', path: 'active', value: true }, 'scim/invalid_syntax', 'must be add, replace or remove'],
    [{ op: 'replace', path: 'active' }, 'scim/invalid_syntax', 'needs a value'],
    [{ op: 'replace', path: 7, value: true }, 'scim/invalid_syntax', 'path must be a string'],
    ['replace', 'scim/invalid_syntax', 'must be an object'],
  ])('refuses %j', (op, code, message) => {
    expect(() => patchUser(alice(), op)).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(message) }),
    );
  });

  it('refuses envelopes without operations, too many operations and too many values', () => {
    const syntax = expect.objectContaining({ code: 'scim/invalid_syntax' });
    expect(() => parsePatchRequest({ schemas: [SCIM_URN.patchOp] })).toThrow(syntax);
    expect(() => parsePatchRequest([])).toThrow(syntax);
    const many = Array.from({ length: 101 }, () => ({ op: 'replace', path: 'active', value: true }));
    expect(() => parsePatchRequest(patchOf(...many))).toThrow('at most 100 operations');
    const members = Array.from({ length: 1001 }, (_, i) => ({ value: `u${i}` }));
    expect(() => patchGroup(team(), { op: 'add', path: 'members', value: members })).toThrow('at most 1000 values');
  });
});
