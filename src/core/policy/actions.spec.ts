import { ACTIONS, actionAppliesTo, expandActionPattern, isKnownAction } from './actions';

describe('action catalogue', () => {
  it('knows catalogued names only', () => {
    expect(isKnownAction('updateOn')).toBe(true);
    expect(isKnownAction('viewAuditLog')).toBe(true);
    expect(isKnownAction('updateon')).toBe(false);
    expect(isKnownAction('hasOwnProperty')).toBe(false);
  });

  it('records the resource types each action is checked on', () => {
    expect(ACTIONS.updateOn).toEqual(['flag']);
    expect(ACTIONS.updateRules).toEqual(['flag', 'segment']);
    expect(ACTIONS.manageTokens).toEqual(['token', 'service-token']);
    expect(ACTIONS.viewSdkKey).toEqual(['env']);
    expect(actionAppliesTo('updateIncluded', 'segment')).toBe(true);
    expect(actionAppliesTo('updateIncluded', 'flag')).toBe(false);
  });

  it('expands globs against the catalogue', () => {
    expect(expandActionPattern('updateOn')).toEqual(['updateOn']);
    expect(expandActionPattern('nope')).toEqual([]);
    expect(expandActionPattern('*ChangeRequest')).toEqual([
      'createChangeRequest',
      'reviewChangeRequest',
      'applyChangeRequest',
    ]);
    expect(expandActionPattern('view*')).toEqual([
      'viewProject',
      'viewEnvironment',
      'viewSdkKey',
      'viewMembers',
      'viewTeams',
      'viewAuditLog',
    ]);
    expect(expandActionPattern('*')).toHaveLength(Object.keys(ACTIONS).length);
  });
});
