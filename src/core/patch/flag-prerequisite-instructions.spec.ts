import { DomainError } from '../errors';
import { FlagDefinition, FlagEnvironmentConfig, Prerequisite } from '../model/flag-config';
import { FlagPatchContext, FlagPatchState, PrerequisiteFlagView, applyFlagInstructions } from './index';

function makeFlag(): FlagDefinition {
  return {
    key: 'checkout', name: 'Checkout', description: '', kind: 'boolean',
    variations: [{ _id: 'on', value: true }, { _id: 'off', value: false }],
    tags: [], temporary: true, archived: false, clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
    defaults: { onVariation: 0, offVariation: 1 }, maintainerId: null,
  };
}

function makeState(prerequisites: Prerequisite[] = []): FlagPatchState {
  const env: FlagEnvironmentConfig = {
    on: true, offVariation: 1, fallthrough: { variation: 0 }, targets: [], contextTargets: [], rules: [],
    prerequisites, salt: 's', trackEvents: false, trackEventsFallthrough: false, version: 1,
  };
  return { flag: makeFlag(), environments: { production: env } };
}

/** Other flags of the project and, per flag, its prerequisite keys in 'production'. */
function makeCtx(graph: Record<string, string[]>): FlagPatchContext {
  const view = (key: string): PrerequisiteFlagView => ({
    variations: [{ _id: `${key}-x`, value: 'x' }, { _id: `${key}-y`, value: 'y' }],
    prerequisiteKeys: (envKey) => (envKey === 'production' ? graph[key] ?? [] : []),
  });
  return { newId: () => 'unused', environmentKey: 'production', lookupFlag: (key) => (key in graph ? view(key) : undefined) };
}

function prerequisitesAfter(instructions: unknown[], state: FlagPatchState, graph: Record<string, string[]>): Prerequisite[] {
  return applyFlagInstructions(state, instructions, makeCtx(graph)).environments.production?.prerequisites ?? [];
}

function errorsOf(instructions: unknown[], state: FlagPatchState, graph: Record<string, string[]>): unknown {
  try {
    applyFlagInstructions(state, instructions, makeCtx(graph));
  } catch (error) {
    if (error instanceof DomainError) return error.errors;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('flag prerequisite instructions', () => {
  it('addPrerequisite stores the index of the variation in the prerequisite flag', () => {
    expect(prerequisitesAfter([{ kind: 'addPrerequisite', key: 'login', variationId: 'login-y' }], makeState(), { login: [] })).toEqual([
      { key: 'login', variation: 1 },
    ]);
  });

  it('updatePrerequisite changes the variation; removePrerequisite removes it', () => {
    const state = makeState([{ key: 'login', variation: 0 }, { key: 'billing', variation: 1 }]);
    const graph = { login: [], billing: [] };
    expect(prerequisitesAfter([{ kind: 'updatePrerequisite', key: 'login', variationId: 'login-y' }], state, graph)).toEqual([
      { key: 'login', variation: 1 },
      { key: 'billing', variation: 1 },
    ]);
    expect(prerequisitesAfter([{ kind: 'removePrerequisite', key: 'login' }], state, graph)).toEqual([{ key: 'billing', variation: 1 }]);
  });

  it('refuses a direct cycle and reports the chain', () => {
    expect(errorsOf([{ kind: 'addPrerequisite', key: 'login', variationId: 'login-x' }], makeState(), { login: ['checkout'] })).toEqual([
      { index: 0, field: 'key', reason: 'would create a prerequisite cycle: checkout -> login -> checkout' },
    ]);
  });

  it('refuses a transitive cycle, walking prerequisites of the context environment only', () => {
    const graph = { a: ['b', 'x'], b: ['c'], c: ['checkout'], x: ['x'] };
    expect(errorsOf([{ kind: 'addPrerequisite', key: 'a', variationId: 'a-x' }], makeState(), graph)).toEqual([
      { index: 0, field: 'key', reason: 'would create a prerequisite cycle: checkout -> a -> b -> c -> checkout' },
    ]);
    // Same graph in another environment: no cycle there, so the prerequisite is accepted.
    const state = makeState();
    state.environments.staging = structuredClone(state.environments.production as FlagEnvironmentConfig);
    const ctx = { ...makeCtx(graph), environmentKey: 'staging' };
    expect(applyFlagInstructions(state, [{ kind: 'addPrerequisite', key: 'a', variationId: 'a-x' }], ctx).environments.staging?.prerequisites).toEqual([
      { key: 'a', variation: 0 },
    ]);
  });

  it('accepts a diamond that is not a cycle', () => {
    const graph = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] };
    expect(prerequisitesAfter([{ kind: 'addPrerequisite', key: 'a', variationId: 'a-y' }], makeState(), graph)).toEqual([{ key: 'a', variation: 1 }]);
  });

  it.each([
    ['key', 'a flag cannot be its own prerequisite', { kind: 'addPrerequisite', key: 'checkout', variationId: 'on' }],
    ['key', "flag 'ghost' does not exist or is archived", { kind: 'addPrerequisite', key: 'ghost', variationId: 'x' }],
    ['variationId', "variation 'on' is not a variation of flag 'login'", { kind: 'addPrerequisite', key: 'login', variationId: 'on' }],
    ['key', "flag 'billing' is already a prerequisite", { kind: 'addPrerequisite', key: 'billing', variationId: 'billing-x' }],
    ['key', "'bad key!' is not a valid flag key", { kind: 'addPrerequisite', key: 'bad key!', variationId: 'x' }],
    ['variationId', 'is required', { kind: 'addPrerequisite', key: 'login' }],
    ['key', "flag 'login' is not a prerequisite", { kind: 'updatePrerequisite', key: 'login', variationId: 'login-x' }],
    ['variationId', "variation 'nope' is not a variation of flag 'billing'", { kind: 'updatePrerequisite', key: 'billing', variationId: 'nope' }],
    ['key', "flag 'login' is not a prerequisite", { kind: 'removePrerequisite', key: 'login' }],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    const state = makeState([{ key: 'billing', variation: 0 }]);
    expect(errorsOf([instruction], state, { login: [], billing: [] })).toEqual([{ index: 0, field, reason }]);
  });

  it('refuses updating a prerequisite whose flag no longer exists', () => {
    const state = makeState([{ key: 'gone', variation: 0 }]);
    expect(errorsOf([{ kind: 'updatePrerequisite', key: 'gone', variationId: 'x' }], state, {})).toEqual([
      { index: 0, field: 'key', reason: "flag 'gone' does not exist or is archived" },
    ]);
    expect(prerequisitesAfter([{ kind: 'removePrerequisite', key: 'gone' }], state, {})).toEqual([]);
  });
});
