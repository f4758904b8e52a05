import { parseLifecycleSettings } from './settings-input';
import { DEFAULT_LIFECYCLE_SETTINGS } from './settings';

describe('parseLifecycleSettings', () => {
  it('omitted fields take the defaults', () => {
    expect(parseLifecycleSettings({})).toEqual({ settings: DEFAULT_LIFECYCLE_SETTINGS });
    expect(parseLifecycleSettings({ staleRolledOutDays: null, archival: { mode: 'automatic' } })).toEqual({
      settings: {
        newDays: 7,
        rolledOutDays: 7,
        staleNotEvaluatedDays: 30,
        staleRolledOutDays: null,
        stalePastRemovalDate: true,
        staleNoCodeReferences: false,
        archival: { mode: 'automatic', graceDays: 7 },
      },
    });
  });

  it('lists every problem', () => {
    expect(
      parseLifecycleSettings({
        newDays: -1,
        rolledOutDays: 1.5,
        staleNotEvaluatedDays: '30',
        staleNoCodeReferences: 'yes',
        archival: { mode: 'sometimes', graceDays: 4000, extra: 1 },
        colour: 'red',
      }),
    ).toEqual({
      errors: [
        { field: 'colour', reason: 'is not a lifecycle setting' },
        { field: 'newDays', reason: 'must be a whole number of days from 0 to 3650' },
        { field: 'rolledOutDays', reason: 'must be a whole number of days from 0 to 3650' },
        {
          field: 'staleNotEvaluatedDays',
          reason: 'must be a whole number of days from 0 to 3650, or null to switch the rule off',
        },
        { field: 'staleNoCodeReferences', reason: 'must be true or false' },
        { field: 'archival.extra', reason: 'is not an archival setting' },
        { field: 'archival.mode', reason: 'must be one of off, change_request, automatic' },
        { field: 'archival.graceDays', reason: 'must be a whole number of days from 0 to 3650' },
      ],
    });
  });

  it('refuses a body that is not an object, and archival that is not one', () => {
    expect(parseLifecycleSettings([])).toEqual({ errors: [{ reason: 'the body must be a JSON object' }] });
    expect(parseLifecycleSettings({ archival: 'automatic' })).toEqual({
      errors: [{ field: 'archival', reason: 'must be an object {mode, graceDays}' }],
    });
  });
});
