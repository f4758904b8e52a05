import { FlagDefinition, FlagEnvironmentConfig } from '../model/flag-config';
import { FlagPatchContext, FlagPatchState, applyFlagInstructions } from './index';
import { booleanFlag, makeCtx, makeEnv, makeFlag, makeState, thrown } from '../../../test/support/fixtures/patch';

// Here the flag has a fourth variation, vd, which is the off variation of its defaults and of every environment.
function fourVariationFlag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return makeFlag({
    variations: [
      { _id: 'va', value: 'a' },
      { _id: 'vb', value: 'b' },
      { _id: 'vc', value: 'c' },
      { _id: 'vd', value: 'd' },
    ],
    defaults: { onVariation: 0, offVariation: 3 },
    ...overrides,
  });
}

function fourVariationEnv(overrides: Partial<FlagEnvironmentConfig> = {}): FlagEnvironmentConfig {
  return makeEnv({ offVariation: 3, ...overrides });
}

/** Variations are flag-level: no environment. */
function flagLevelCtx(): FlagPatchContext {
  return makeCtx({ environmentKey: undefined });
}

function fourVariationState(): FlagPatchState {
  return makeState(fourVariationFlag(), { production: fourVariationEnv() });
}

function errorsOf(instructions: unknown[], state = fourVariationState()): unknown {
  return thrown(() => applyFlagInstructions(state, instructions, flagLevelCtx())).errors;
}

describe('flag variation instructions', () => {
  it('addVariation appends a variation with a new id', () => {
    const state = fourVariationState();
    const result = applyFlagInstructions(
      state,
      [{ kind: 'addVariation', value: 'e', name: 'E', description: 'fifth' }],
      flagLevelCtx(),
    );
    expect(result.flag.variations[4]).toEqual({ _id: 'id1', value: 'e', name: 'E', description: 'fifth' });
    expect(result.flagChanged).toBe(true);
    expect(result.changedEnvironments).toEqual([]);
  });

  it('addVariation accepts JSON objects and arrays alike for a JSON flag', () => {
    const json = fourVariationFlag({
      variations: [
        { _id: 'v1', value: { a: 1 } },
        { _id: 'v2', value: [1, 2] },
      ],
    });
    const result = applyFlagInstructions(
      { flag: json, environments: {} },
      [{ kind: 'addVariation', value: { a: 2 } }],
      flagLevelCtx(),
    );
    expect(result.flag.variations.map((v) => v.value)).toEqual([{ a: 1 }, [1, 2], { a: 2 }]);
  });

  it('updateVariation changes value, name and description, keeping the id', () => {
    const flag = fourVariationFlag({
      variations: [
        { _id: 'va', value: 'a', name: 'A' },
        { _id: 'vb', value: 'b' },
      ],
    });
    const result = applyFlagInstructions(
      { flag, environments: {} },
      [{ kind: 'updateVariation', variationId: 'va', value: 'alpha', name: '', description: 'first' }],
      flagLevelCtx(),
    );
    expect(result.flag.variations[0]).toEqual({ _id: 'va', value: 'alpha', description: 'first' });
  });

  it.each([
    ['value', "duplicates the value of variation 'vb'", { kind: 'addVariation', value: 'b' }],
    ['value', 'must be a string like the other variations, not a number', { kind: 'addVariation', value: 5 }],
    ['value', 'a variation value cannot be null', { kind: 'addVariation', value: null }],
    ['value', 'is required', { kind: 'addVariation', name: 'x' }],
    ['name', 'must be at most 256 characters', { kind: 'addVariation', value: 'z', name: 'n'.repeat(257) }],
    ['value', "duplicates the value of variation 'vc'", { kind: 'updateVariation', variationId: 'va', value: 'c' }],
    [
      'value',
      'must be a string like the other variations, not a json',
      { kind: 'updateVariation', variationId: 'va', value: ['a'] },
    ],
    [
      undefined,
      'at least one of value, name or description is required',
      { kind: 'updateVariation', variationId: 'va' },
    ],
    ['variationId', "variation 'vz' does not exist", { kind: 'updateVariation', variationId: 'vz', name: 'x' }],
    ['variationId', "variation 'vz' does not exist", { kind: 'removeVariation', variationId: 'vz' }],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    expect(errorsOf([instruction])).toEqual([field === undefined ? { index: 0, reason } : { index: 0, field, reason }]);
  });

  it('refuses adding or removing variations of a boolean flag, but allows renaming them', () => {
    const state = { flag: booleanFlag(), environments: {} };
    expect(errorsOf([{ kind: 'addVariation', value: true }], state)).toEqual([
      { index: 0, reason: 'a boolean flag has exactly the variations true and false' },
    ]);
    expect(errorsOf([{ kind: 'removeVariation', variationId: 't' }], state)).toEqual([
      { index: 0, reason: 'a boolean flag has exactly the variations true and false' },
    ]);
    const renamed = applyFlagInstructions(
      state,
      [{ kind: 'updateVariation', variationId: 't', name: 'Enabled' }],
      flagLevelCtx(),
    );
    expect(renamed.flag.variations[0]).toEqual({ _id: 't', value: true, name: 'Enabled' });
  });

  it('refuses removing a variation when fewer than two would remain', () => {
    const two = fourVariationFlag({
      variations: [
        { _id: 'va', value: 'a' },
        { _id: 'vb', value: 'b' },
      ],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    expect(errorsOf([{ kind: 'removeVariation', variationId: 'vb' }], { flag: two, environments: {} })).toEqual([
      { index: 0, field: 'variationId', reason: 'a flag needs at least two variations' },
    ]);
  });

  it('refuses removing a variation that is in use, saying everywhere it is used', () => {
    const state = {
      flag: fourVariationFlag({ defaults: { onVariation: 1, offVariation: 3 } }),
      environments: {
        production: fourVariationEnv({
          offVariation: 1,
          fallthrough: {
            rollout: {
              variations: [
                { variation: 0, weight: 50000 },
                { variation: 1, weight: 50000 },
              ],
            },
          },
          targets: [{ variation: 1, values: ['u1'] }],
          rules: [
            { _id: 'r1', clauses: [], variation: 1, trackEvents: false },
            { _id: 'r2', clauses: [], variation: 0, trackEvents: false },
          ],
        }),
        staging: fourVariationEnv({ contextTargets: [{ contextKind: 'org', variation: 1, values: ['o1'] }] }),
      },
    };
    expect(errorsOf([{ kind: 'removeVariation', variationId: 'vb' }], state)).toEqual([
      {
        index: 0,
        field: 'variationId',
        reason:
          "variation 'vb' is in use: flag defaults onVariation; environment 'production' offVariation; " +
          "environment 'production' fallthrough; environment 'production' targets; " +
          "environment 'production' rule 'r1'; environment 'staging' targets",
      },
    ]);
  });

  it('removes an unused variation and reindexes every environment and the defaults', () => {
    const production = fourVariationEnv({
      offVariation: 3,
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 40000 },
            { variation: 1, weight: 0 },
            { variation: 2, weight: 30000 },
            { variation: 3, weight: 30000 },
          ],
          bucketBy: 'org',
        },
      },
      targets: [
        { variation: 2, values: ['u1'] },
        { variation: 0, values: ['u2'] },
      ],
      contextTargets: [
        { contextKind: 'user', variation: 2, values: [] },
        { contextKind: 'user', variation: 1, values: [] },
        { contextKind: 'org', variation: 3, values: ['o1'] },
        { contextKind: 'user', variation: 0, values: [] },
      ],
      rules: [
        { _id: 'r1', clauses: [], variation: 3, trackEvents: false },
        {
          _id: 'r2',
          clauses: [],
          rollout: {
            variations: [
              { variation: 1, weight: 0 },
              { variation: 2, weight: 100000 },
            ],
          },
          trackEvents: false,
        },
      ],
    });
    const staging = fourVariationEnv({ offVariation: null, fallthrough: { variation: 2 } });
    const untouched = fourVariationEnv({ offVariation: 0, fallthrough: { variation: 0 } });
    const state = {
      flag: fourVariationFlag({ defaults: { onVariation: 2, offVariation: 3 } }),
      environments: { production, staging, untouched },
    };

    const result = applyFlagInstructions(state, [{ kind: 'removeVariation', variationId: 'vb' }], flagLevelCtx());

    expect(result.flag.variations.map((v) => v._id)).toEqual(['va', 'vc', 'vd']);
    expect(result.flag.defaults).toEqual({ onVariation: 1, offVariation: 2 });
    expect(result.environments.production).toEqual(
      fourVariationEnv({
        offVariation: 2,
        fallthrough: {
          rollout: {
            variations: [
              { variation: 0, weight: 40000 },
              { variation: 1, weight: 30000 },
              { variation: 2, weight: 30000 },
            ],
            bucketBy: 'org',
          },
        },
        targets: [
          { variation: 1, values: ['u1'] },
          { variation: 0, values: ['u2'] },
        ],
        contextTargets: [
          { contextKind: 'user', variation: 1, values: [] },
          { contextKind: 'org', variation: 2, values: ['o1'] },
          { contextKind: 'user', variation: 0, values: [] },
        ],
        rules: [
          { _id: 'r1', clauses: [], variation: 2, trackEvents: false },
          { _id: 'r2', clauses: [], rollout: { variations: [{ variation: 1, weight: 100000 }] }, trackEvents: false },
        ],
      }),
    );
    expect(result.environments.staging).toEqual(
      fourVariationEnv({ offVariation: null, fallthrough: { variation: 1 } }),
    );
    expect(result.environments.untouched).toEqual(untouched);
    expect(result.flagChanged).toBe(true);
    expect(result.changedEnvironments).toEqual(['production', 'staging']);
  });
});
