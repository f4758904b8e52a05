import { applyFlagInstructions, flagInstructionActions } from './apply-flag-instructions';
import { makeCtx, makeEnv, makeState } from '../../../test/support/fixtures/patch';

const rule = { _id: 'r1', clauses: [], trackEvents: false, variation: 0 };

describe('event-tracking instructions', () => {
  it('updateTrackEvents, updateTrackEventsFallthrough and updateRuleTrackEvents set their flags', () => {
    const state = makeState(undefined, { production: makeEnv({ rules: [rule] }) });
    const result = applyFlagInstructions(
      state,
      [
        { kind: 'updateTrackEvents', trackEvents: true },
        { kind: 'updateTrackEventsFallthrough', trackEvents: true },
        { kind: 'updateRuleTrackEvents', ruleId: 'r1', trackEvents: true },
      ],
      makeCtx(),
    );
    expect(result.environments.production).toMatchObject({
      trackEvents: true,
      trackEventsFallthrough: true,
      rules: [{ _id: 'r1', trackEvents: true }],
    });
    expect(result.changedEnvironments).toEqual(['production']);
  });

  it('need a boolean, and the rule must exist', () => {
    const state = makeState(undefined, { production: makeEnv({ rules: [rule] }) });
    expect(() => applyFlagInstructions(state, [{ kind: 'updateTrackEvents' }], makeCtx())).toThrow(
      /trackEvents: is required/,
    );
    expect(() =>
      applyFlagInstructions(state, [{ kind: 'updateTrackEventsFallthrough', trackEvents: 'yes' }], makeCtx()),
    ).toThrow(/must be a boolean/);
    expect(() =>
      applyFlagInstructions(state, [{ kind: 'updateRuleTrackEvents', ruleId: 'nope', trackEvents: true }], makeCtx()),
    ).toThrow(/nope/);
  });

  it('are authorized as updateTrackEvents in the environment', () => {
    expect(flagInstructionActions([{ kind: 'updateTrackEventsFallthrough', trackEvents: true }])).toEqual([
      expect.objectContaining({ action: 'updateTrackEvents', scope: 'environment' }),
    ]);
  });
});
