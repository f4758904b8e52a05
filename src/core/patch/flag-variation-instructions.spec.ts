import { DomainError } from '../errors';
import { FlagDefinition, FlagEnvironmentConfig } from '../model/flag-config';
import { FlagPatchContext, FlagPatchState, applyFlagInstructions } from './index';

function makeFlag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key: 'checkout', name: 'Checkout', description: '', kind: 'multivariate',
    variations: [{ _id: 'va', value: 'a' }, { _id: 'vb', value: 'b' }, { _id: 'vc', value: 'c' }, { _id: 'vd', value: 'd' }],
    tags: [], temporary: true, archived: false, clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
    defaults: { onVariation: 0, offVariation: 3 }, maintainerId: null, ...overrides,
  };
}

function makeEnv(overrides: Partial<FlagEnvironmentConfig> = {}): FlagEnvironmentConfig {
  return {
    on: true, offVariation: 3, fallthrough: { variation: 0 }, targets: [], contextTargets: [], rules: [],
    prerequisites: [], salt: 's', trackEvents: false, trackEventsFallthrough: false, version: 1, ...overrides,
  };
}

function makeCtx(): FlagPatchContext {
  let n = 0;
  return { newId: () => `id${++n}`, environmentKey: undefined, lookupFlag: () => undefined };
}

function booleanFlag(): FlagDefinition {
  return makeFlag({ kind: 'boolean', variations: [{ _id: 't', value: true }, { _id: 'f', value: false }], defaults: { onVariation: 0, offVariation: 1 } });
}

function errorsOf(instructions: unknown[], state: FlagPatchState = { flag: makeFlag(), environments: { production: makeEnv() } }): unknown {
  try {
    applyFlagInstructions(state, instructions, makeCtx());
  } catch (error) {
    if (error instanceof DomainError) return error.errors;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('flag variation instructions', () => {
  it('addVariation appends a variation with a new id', () => {
    const state = { flag: makeFlag(), environments: { production: makeEnv() } };
    const result = applyFlagInstructions(state, [{ kind: 'addVariation', value: 'e', name: 'E', description: 'fifth' }], makeCtx());
    expect(result.flag.variations[4]).toEqual({ _id: 'id1', value: 'e', name: 'E', description: 'fifth' });
    expect(result.flagChanged).toBe(true);
    expect(result.changedEnvironments).toEqual([]);
  });

  it('addVariation accepts JSON objects and arrays alike for a JSON flag', () => {
    const json = makeFlag({ variations: [{ _id: 'v1', value: { a: 1 } }, { _id: 'v2', value: [1, 2] }] });
    const result = applyFlagInstructions({ flag: json, environments: {} }, [{ kind: 'addVariation', value: { a: 2 } }], makeCtx());
    expect(result.flag.variations.map((v) => v.value)).toEqual([{ a: 1 }, [1, 2], { a: 2 }]);
  });

  it('updateVariation changes value, name and description, keeping the id', () => {
    const flag = makeFlag({ variations: [{ _id: 'va', value: 'a', name: 'A' }, { _id: 'vb', value: 'b' }] });
    const result = applyFlagInstructions(
      { flag, environments: {} },
      [{ kind: 'updateVariation', variationId: 'va', value: 'alpha', name: '', description: 'first' }],
      makeCtx(),
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
    ['value', 'must be a string like the other variations, not a json', { kind: 'updateVariation', variationId: 'va', value: ['a'] }],
    [undefined, 'at least one of value, name or description is required', { kind: 'updateVariation', variationId: 'va' }],
    ['variationId', "variation 'vz' does not exist", { kind: 'updateVariation', variationId: 'vz', name: 'x' }],
    ['variationId', "variation 'vz' does not exist", { kind: 'removeVariation', variationId: 'vz' }],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    expect(errorsOf([instruction])).toEqual([field === undefined ? { index: 0, reason } : { index: 0, field, reason }]);
  });

  it('refuses adding or removing variations of a boolean flag, but allows renaming them', () => {
    const state = { flag: booleanFlag(), environments: {} };
    expect(errorsOf([{ kind: 'addVariation', value: true }], state)).toEqual([{ index: 0, reason: 'a boolean flag has exactly the variations true and false' }]);
    expect(errorsOf([{ kind: 'removeVariation', variationId: 't' }], state)).toEqual([{ index: 0, reason: 'a boolean flag has exactly the variations true and false' }]);
    const renamed = applyFlagInstructions(state, [{ kind: 'updateVariation', variationId: 't', name: 'Enabled' }], makeCtx());
    expect(renamed.flag.variations[0]).toEqual({ _id: 't', value: true, name: 'Enabled' });
  });

  it('refuses removing a variation when fewer than two would remain', () => {
    const two = makeFlag({ variations: [{ _id: 'va', value: 'a' }, { _id: 'vb', value: 'b' }], defaults: { onVariation: 0, offVariation: 0 } });
    expect(errorsOf([{ kind: 'removeVariation', variationId: 'vb' }], { flag: two, environments: {} })).toEqual([
      { index: 0, field: 'variationId', reason: 'a flag needs at least two variations' },
    ]);
  });

  it('refuses removing a variation that is in use, saying everywhere it is used', () => {
    const state = {
      flag: makeFlag({ defaults: { onVariation: 1, offVariation: 3 } }),
      environments: {
        production: makeEnv({
          offVariation: 1,
          fallthrough: { rollout: { variations: [{ variation: 0, weight: 50000 }, { variation: 1, weight: 50000 }] } },
          targets: [{ variation: 1, values: ['u1'] }],
          rules: [{ _id: 'r1', clauses: [], variation: 1, trackEvents: false }, { _id: 'r2', clauses: [], variation: 0, trackEvents: false }],
        }),
        staging: makeEnv({ contextTargets: [{ contextKind: 'org', variation: 1, values: ['o1'] }] }),
      },
    };
    expect(errorsOf([{ kind: 'removeVariation', variationId: 'vb' }], state)).toEqual([{
      index: 0,
      field: 'variationId',
      reason: "variation 'vb' is in use: flag defaults onVariation; environment 'production' offVariation; environment 'production' fallthrough; environment 'production' targets; environment 'production' rule 'r1'; environment 'staging' targets",
    }]);
  });

  it('removes an unused variation and reindexes every environment and the defaults', () => {
    const production = makeEnv({
      offVariation: 3,
      fallthrough: { rollout: { variations: [{ variation: 0, weight: 40000 }, { variation: 1, weight: 0 }, { variation: 2, weight: 30000 }, { variation: 3, weight: 30000 }], bucketBy: 'org' } },
      targets: [{ variation: 2, values: ['u1'] }, { variation: 0, values: ['u2'] }],
      contextTargets: [
        { contextKind: 'user', variation: 2, values: [] },
        { contextKind: 'user', variation: 1, values: [] },
        { contextKind: 'org', variation: 3, values: ['o1'] },
        { contextKind: 'user', variation: 0, values: [] },
      ],
      rules: [{ _id: 'r1', clauses: [], variation: 3, trackEvents: false }, { _id: 'r2', clauses: [], rollout: { variations: [{ variation: 1, weight: 0 }, { variation: 2, weight: 100000 }] }, trackEvents: false }],
    });
    const staging = makeEnv({ offVariation: null, fallthrough: { variation: 2 } });
    const untouched = makeEnv({ offVariation: 0, fallthrough: { variation: 0 } });
    const state = { flag: makeFlag({ defaults: { onVariation: 2, offVariation: 3 } }), environments: { production, staging, untouched } };

    const result = applyFlagInstructions(state, [{ kind: 'removeVariation', variationId: 'vb' }], makeCtx());

    expect(result.flag.variations.map((v) => v._id)).toEqual(['va', 'vc', 'vd']);
    expect(result.flag.defaults).toEqual({ onVariation: 1, offVariation: 2 });
    expect(result.environments.production).toEqual(makeEnv({
      offVariation: 2,
      fallthrough: { rollout: { variations: [{ variation: 0, weight: 40000 }, { variation: 1, weight: 30000 }, { variation: 2, weight: 30000 }], bucketBy: 'org' } },
      targets: [{ variation: 1, values: ['u1'] }, { variation: 0, values: ['u2'] }],
      contextTargets: [
        { contextKind: 'user', variation: 1, values: [] },
        { contextKind: 'org', variation: 2, values: ['o1'] },
        { contextKind: 'user', variation: 0, values: [] },
      ],
      rules: [{ _id: 'r1', clauses: [], variation: 2, trackEvents: false }, { _id: 'r2', clauses: [], rollout: { variations: [{ variation: 1, weight: 100000 }] }, trackEvents: false }],
    }));
    expect(result.environments.staging).toEqual(makeEnv({ offVariation: null, fallthrough: { variation: 1 } }));
    expect(result.environments.untouched).toEqual(untouched);
    expect(result.flagChanged).toBe(true);
    expect(result.changedEnvironments).toEqual(['production', 'staging']);
  });
});
