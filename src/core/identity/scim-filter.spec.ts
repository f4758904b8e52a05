import { matchesAll, parseFilter, resourceResolver } from './scim-filter';
import { GROUP_SCHEMA, USER_SCHEMA } from './scim-schema';

const users = (text: string) =>
  parseFilter(text, resourceResolver(USER_SCHEMA)).map(({ path, value }) => ({ path, value }));
const groups = (text: string) =>
  parseFilter(text, resourceResolver(GROUP_SCHEMA)).map(({ path, value }) => ({ path, value }));

describe('the SCIM filter parser', () => {
  it('reads the lookups Okta and Entra ID send before creating', () => {
    expect(users('userName eq "test.user@okta.local"')).toEqual([{ path: 'userName', value: 'test.user@okta.local' }]);
    expect(users('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')).toEqual([
      { path: 'externalId', value: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' },
    ]);
    expect(groups('displayName eq "Test SCIMv2"')).toEqual([{ path: 'displayName', value: 'Test SCIMv2' }]);
  });

  it('ignores the case of attribute names and operators, and reads URN-qualified paths', () => {
    expect(users('USERNAME EQ "a@b.c"')).toEqual([{ path: 'userName', value: 'a@b.c' }]);
    expect(users('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@b.c"')).toEqual([
      { path: 'userName', value: 'a@b.c' },
    ]);
  });

  it('compares a complex attribute by its value, and reads sub-attributes', () => {
    expect(users('emails.value eq "a@b.c"')).toEqual([{ path: 'emails.value', value: 'a@b.c' }]);
    expect(users('emails eq "a@b.c"')).toEqual([{ path: 'emails.value', value: 'a@b.c' }]);
  });

  it('joins comparisons with and, in parentheses or not', () => {
    expect(groups('(id eq "1") and members eq "2"')).toEqual([
      { path: 'id', value: '1' },
      { path: 'members.value', value: '2' },
    ]);
  });

  it('reads JSON string escapes, booleans, null and numbers', () => {
    expect(users('userName eq "say \\"hi\\"@x.y"')).toEqual([{ path: 'userName', value: 'say "hi"@x.y' }]);
    expect(users('active eq true')).toEqual([{ path: 'active', value: true }]);
    expect(users('externalId eq null')).toEqual([{ path: 'externalId', value: null }]);
    expect(users('externalId eq 42')).toEqual([{ path: 'externalId', value: 42 }]);
  });

  it.each([
    ['userName sw "a"', "operator 'sw' is not supported"],
    ['userName co "a"', "operator 'co' is not supported"],
    ['userName pr', "operator 'pr' is not supported"],
    ['userName eq "a" or userName eq "b"', "'or' is not supported"],
    ['not (userName eq "a")', "'not' is not supported"],
    ['emails[type eq "work"] eq "a"', 'value paths'],
    ['nickname eq "a"', "Gantry does not keep 'nickname'"],
    ['shoeSize eq "a"', "'shoeSize' is not a known attribute"],
    ['urn:example:custom:shoeSize eq "1"', 'names a schema'],
    ['userName eq a@b.c', 'strings are written in double quotes'],
    ['userName eq "unterminated', 'unterminated string'],
    ['userName eq', 'expected a value'],
    ['(userName eq "a"', "expected ')'"],
    ['userName', 'expected an operator'],
    ['   ', 'the filter is empty'],
    ['userName eq "a" extra', "unexpected 'extra'"],
  ])('refuses %s (invalidFilter)', (text, message) => {
    expect(() => users(text)).toThrow(
      expect.objectContaining({ code: 'scim/invalid_filter', message: expect.stringContaining(message) }),
    );
  });

  it('refuses a filter longer than the limit', () => {
    expect(() => users(`userName eq "${'a'.repeat(1000)}"`)).toThrow('at most 1000 characters');
  });

  it('matches values of a multi-valued attribute, by case where the attribute is case-exact', () => {
    const [type] = parseFilter('type eq "WORK"', (p) => ({
      path: p,
      attribute: { name: p, type: 'string' },
    }));
    expect(matchesAll({ type: 'work' }, [type])).toBe(true);
    const [id] = parseFilter('value eq "ABC"', (p) => ({
      path: p,
      attribute: { name: p, type: 'string', caseExact: true },
    }));
    expect(matchesAll({ value: 'abc' }, [id])).toBe(false);
    expect(matchesAll({ value: 'ABC' }, [id])).toBe(true);
  });
});
