import { DomainError } from '../../core/errors';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../core/identity/scim-schema';
import { memberCriteria, parseListQuery, teamCriteria } from './scim-query';

const users = (q: Record<string, unknown>) => parseListQuery(USER_SCHEMA, q);

describe('SCIM list queries', () => {
  it('pages from 1, clamping what is out of range (RFC 7644 §3.4.2.4)', () => {
    expect(users({})).toMatchObject({ startIndex: 1, count: 200 });
    expect(users({ startIndex: '0', count: '-5' })).toMatchObject({ startIndex: 1, count: 0 });
    expect(users({ startIndex: '3', count: '5000' })).toMatchObject({ startIndex: 3, count: 200 });
    expect(() => users({ count: 'ten' })).toThrow(DomainError);
    expect(() => users({ startIndex: ['1', '2'] })).toThrow("'startIndex' is given once");
  });

  it('reads attributes and excludedAttributes', () => {
    expect(users({ excludedAttributes: 'members, meta' }).projection).toEqual({
      attributes: undefined,
      excludedAttributes: ['members', 'meta'],
    });
  });

  it('turns filters into equalities on what identifies a member or a team', () => {
    expect(memberCriteria(users({ filter: 'userName eq "A@B.c"' }).filter)).toEqual({ email: 'a@b.c' });
    expect(memberCriteria(users({ filter: 'emails.value eq "a@b.c" and externalId eq "X"' }).filter)).toEqual({
      email: 'a@b.c',
      externalId: 'X',
    });
    expect(memberCriteria(users({ filter: 'userName eq "a@b.c" and userName eq "d@e.f"' }).filter)).toBeNull();
    const groups = parseListQuery(GROUP_SCHEMA, { filter: 'displayName eq "Eng" and members eq "U1"' });
    expect(teamCriteria(groups.filter)).toEqual({ name: 'Eng', memberId: 'u1' });
  });

  it('refuses filtering on anything else, or on a non-string value', () => {
    expect(() => memberCriteria(users({ filter: 'displayName eq "x"' }).filter)).toThrow(
      "filtering on 'displayName' is not supported; filter on userName, emails.value, externalId, id",
    );
    expect(() => memberCriteria(users({ filter: 'externalId eq null' }).filter)).toThrow('is not supported');
  });
});
