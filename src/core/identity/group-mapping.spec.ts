import { GroupMappingError, mapGroups, parseRoleMap, parseTeamMap, type GroupMapping } from './group-mapping';

describe('group mapping', () => {
  const mapping: GroupMapping = {
    roles: parseRoleMap('gantry-admins=admin, engineering=writer,owners=owner'),
    teams: parseTeamMap('eng-payments=payments,eng-web=web,engineering=eng'),
    defaultRole: 'reader',
  };

  it('gives the strongest mapped role and every mapped team, sorted', () => {
    expect(mapGroups(mapping, ['engineering', 'gantry-admins', 'eng-web'])).toEqual({
      role: 'admin',
      teams: ['eng', 'web'],
    });
  });

  it('falls back to the default role and no teams for unmapped groups', () => {
    expect(mapGroups(mapping, ['sales', 'Engineering'])).toEqual({ role: 'reader', teams: [] });
    expect(mapGroups(mapping, [])).toEqual({ role: 'reader', teams: [] });
  });

  it('reads group names containing = by splitting at the last one', () => {
    expect(parseRoleMap('CN=Admins=admin').get('CN=Admins')).toBe('admin');
  });

  it.each([
    ['admins=superuser', /not one of owner, admin, writer, reader/],
    ['admins', /not a group=value pair/],
    ['=admin', /not a group=value pair/],
    ['a=admin,a=reader', /mapped twice/],
  ])('refuses the role mapping %s', (value, message) => {
    expect(() => parseRoleMap(value)).toThrow(GroupMappingError);
    expect(() => parseRoleMap(value)).toThrow(message);
  });

  it('refuses a team key the API would refuse', () => {
    expect(() => parseTeamMap('eng=has space')).toThrow(/not a valid team key/);
  });
});
