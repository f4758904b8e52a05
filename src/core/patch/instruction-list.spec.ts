import {
  FLAG_INSTRUCTION_ACTIONS,
  FlagPatchState,
  PatchError,
  SEGMENT_INSTRUCTION_ACTIONS,
  applyFlagInstructions,
  flagInstructionActions,
  segmentInstructionActions,
} from './index';
import { booleanFlag, makeState, thrown } from '../../../test/support/fixtures/patch';

/** The boolean flag 'f', without a maintainerId field, and no environments. */
function booleanState(): FlagPatchState {
  const { maintainerId: _none, ...flag } = booleanFlag({ key: 'f', name: 'F' });
  return makeState(flag, {});
}

const ctx = { newId: () => 'id', lookupFlag: () => undefined, segmentExists: () => true };

describe('instruction list validation', () => {
  it.each([
    [{ field: 'instructions', reason: 'must be an array of instructions' }, { kind: 'turnFlagOn' }],
    [{ field: 'instructions', reason: 'must be an array of instructions' }, null],
    [{ field: 'instructions', reason: 'must not be empty' }, []],
    [
      { field: 'instructions', reason: 'must have at most 100 instructions' },
      Array.from({ length: 101 }, () => ({ kind: 'addTags', values: [] })),
    ],
    [{ index: 1, reason: 'instruction must be an object' }, [{ kind: 'addTags', values: [] }, 'turnFlagOn']],
    [{ index: 0, reason: 'instruction must be an object' }, [['turnFlagOn']]],
    [{ index: 0, field: 'kind', reason: 'is required' }, [{}]],
    [{ index: 0, field: 'kind', reason: 'must be a string' }, [{ kind: 7 }]],
  ])('refuses #%#: %j', (error, instructions) => {
    const patchError = thrown(() => applyFlagInstructions(booleanState(), instructions, ctx));
    expect(patchError).toBeInstanceOf(PatchError);
    expect(patchError.code).toBe('patch/invalid_instruction');
    expect(patchError.errors).toEqual([error]);
  });

  it('refuses an unknown kind with patch/unknown_instruction, before applying anything', () => {
    for (const kind of ['deleteEverything', 'constructor', '__proto__', 'toString']) {
      const error = thrown(() =>
        applyFlagInstructions(booleanState(), [{ kind: 'updateName', value: 'x' }, { kind }], ctx),
      );
      expect(error.code).toBe('patch/unknown_instruction');
      expect(error.status).toBe(400);
      expect(error.errors).toEqual([{ index: 1, field: 'kind', reason: `unknown instruction kind '${kind}'` }]);
    }
  });

  it('gives a readable message', () => {
    const error = thrown(() => applyFlagInstructions(booleanState(), [{ kind: 'updateName', value: '' }], ctx));
    expect(error.message).toBe('instruction 0: value: must not be empty');
  });
});

describe('instruction actions', () => {
  it('flagInstructionActions maps each instruction to its action and scope, validating only the kind', () => {
    expect(
      flagInstructionActions([
        { kind: 'turnFlagOn' },
        { kind: 'addVariation', value: 'no check here' },
        { kind: 'addRule' },
      ]),
    ).toEqual([
      { kind: 'turnFlagOn', action: 'updateOn', scope: 'environment' },
      { kind: 'addVariation', action: 'updateFlagVariations', scope: 'flag' },
      { kind: 'addRule', action: 'updateRules', scope: 'environment' },
    ]);
    expect(thrown(() => flagInstructionActions([{ kind: 'nope' }])).code).toBe('patch/unknown_instruction');
  });

  it('covers every flag instruction kind with LaunchDarkly action names', () => {
    const env = (action: string) => ({ action, scope: 'environment' });
    const flag = (action: string) => ({ action, scope: 'flag' });
    expect(FLAG_INSTRUCTION_ACTIONS).toEqual({
      turnFlagOn: env('updateOn'),
      turnFlagOff: env('updateOn'),
      addRule: env('updateRules'),
      removeRule: env('updateRules'),
      reorderRules: env('updateRules'),
      updateRuleVariationOrRollout: env('updateRules'),
      updateRuleDescription: env('updateRules'),
      addClauses: env('updateRules'),
      removeClauses: env('updateRules'),
      updateClause: env('updateRules'),
      addValuesToClause: env('updateRules'),
      removeValuesFromClause: env('updateRules'),
      addTargets: env('updateTargets'),
      removeTargets: env('updateTargets'),
      replaceTargets: env('updateTargets'),
      clearTargets: env('updateTargets'),
      addPrerequisite: env('updatePrerequisites'),
      updatePrerequisite: env('updatePrerequisites'),
      removePrerequisite: env('updatePrerequisites'),
      updateFallthroughVariationOrRollout: env('updateFallthrough'),
      updateOffVariation: env('updateOffVariation'),
      updateTrackEvents: env('updateTrackEvents'),
      updateTrackEventsFallthrough: env('updateTrackEvents'),
      updateRuleTrackEvents: env('updateTrackEvents'),
      addVariation: flag('updateFlagVariations'),
      updateVariation: flag('updateFlagVariations'),
      removeVariation: flag('updateFlagVariations'),
      addTags: flag('updateTags'),
      setServices: flag('updateTags'),
      removeTags: flag('updateTags'),
      updateName: flag('updateName'),
      updateDescription: flag('updateDescription'),
      makeFlagTemporary: flag('updateTemporary'),
      makeFlagPermanent: flag('updateTemporary'),
      updateMaintainer: flag('updateMaintainer'),
      updatePlannedRemovalDate: flag('updateTemporary'),
      archiveFlag: flag('archiveFlag'),
      restoreFlag: flag('restoreFlag'),
    });
  });

  it('covers every segment instruction kind', () => {
    expect(SEGMENT_INSTRUCTION_ACTIONS).toEqual({
      addIncludedTargets: 'updateIncluded',
      removeIncludedTargets: 'updateIncluded',
      addExcludedTargets: 'updateExcluded',
      removeExcludedTargets: 'updateExcluded',
      addRule: 'updateRules',
      removeRule: 'updateRules',
      reorderRules: 'updateRules',
      updateRuleDescription: 'updateRules',
      updateRuleRollout: 'updateRules',
      addClauses: 'updateRules',
      removeClauses: 'updateRules',
      updateClause: 'updateRules',
      addValuesToClause: 'updateRules',
      removeValuesFromClause: 'updateRules',
      updateName: 'updateName',
      updateDescription: 'updateDescription',
      addTags: 'updateTags',
      removeTags: 'updateTags',
    });
    expect(segmentInstructionActions([{ kind: 'addIncludedTargets' }])).toEqual([
      { kind: 'addIncludedTargets', action: 'updateIncluded' },
    ]);
    expect(thrown(() => segmentInstructionActions([{ kind: 'turnFlagOn' }])).code).toBe('patch/unknown_instruction');
  });
});
