import { Prerequisite } from '../model/flag-config';
import { FlagPatchContext, FlagPatchState, PrerequisiteFlagView, applyFlagInstructions } from './index';
import { booleanFlag, makeCtx, makeEnv, makeState, thrown } from '../../../test/support/fixtures/patch';

/** The boolean flag 'checkout', with variations 'on' and 'off', and its 'production' prerequisites. */
function stateWithPrerequisites(prerequisites: Prerequisite[] = []): FlagPatchState {
  const flag = booleanFlag({
    variations: [
      { _id: 'on', value: true },
      { _id: 'off', value: false },
    ],
  });
  return makeState(flag, { production: makeEnv({ prerequisites }) });
}

/** Other flags of the project and, per flag, its prerequisite keys in 'production'. */
function graphCtx(graph: Record<string, string[]>): FlagPatchContext {
  const view = (key: string): PrerequisiteFlagView => ({
    variations: [
      { _id: `${key}-x`, value: 'x' },
      { _id: `${key}-y`, value: 'y' },
    ],
    prerequisiteKeys: (envKey) => (envKey === 'production' ? (graph[key] ?? []) : []),
  });
  return makeCtx({ newId: () => 'unused', lookupFlag: (key) => (key in graph ? view(key) : undefined) });
}

function prerequisitesAfter(
  instructions: unknown[],
  state: FlagPatchState,
  graph: Record<string, string[]>,
): Prerequisite[] {
  return applyFlagInstructions(state, instructions, graphCtx(graph)).environments.production?.prerequisites ?? [];
}

function errorsOf(instructions: unknown[], state: FlagPatchState, graph: Record<string, string[]>): unknown {
  return thrown(() => applyFlagInstructions(state, instructions, graphCtx(graph))).errors;
}

describe('flag prerequisite instructions', () => {
  it('addPrerequisite stores the index of the variation in the prerequisite flag', () => {
    expect(
      prerequisitesAfter(
        [{ kind: 'addPrerequisite', key: 'login', variationId: 'login-y' }],
        stateWithPrerequisites(),
        { login: [] },
      ),
    ).toEqual([{ key: 'login', variation: 1 }]);
  });

  it('updatePrerequisite changes the variation; removePrerequisite removes it', () => {
    const state = stateWithPrerequisites([
      { key: 'login', variation: 0 },
      { key: 'billing', variation: 1 },
    ]);
    const graph = { login: [], billing: [] };
    expect(
      prerequisitesAfter([{ kind: 'updatePrerequisite', key: 'login', variationId: 'login-y' }], state, graph),
    ).toEqual([
      { key: 'login', variation: 1 },
      { key: 'billing', variation: 1 },
    ]);
    expect(prerequisitesAfter([{ kind: 'removePrerequisite', key: 'login' }], state, graph)).toEqual([
      { key: 'billing', variation: 1 },
    ]);
  });

  it('refuses a direct cycle and reports the chain', () => {
    expect(
      errorsOf([{ kind: 'addPrerequisite', key: 'login', variationId: 'login-x' }], stateWithPrerequisites(), {
        login: ['checkout'],
      }),
    ).toEqual([{ index: 0, field: 'key', reason: 'would create a prerequisite cycle: checkout -> login -> checkout' }]);
  });

  it('refuses a transitive cycle, walking prerequisites of the context environment only', () => {
    const graph = { a: ['b', 'x'], b: ['c'], c: ['checkout'], x: ['x'] };
    expect(
      errorsOf([{ kind: 'addPrerequisite', key: 'a', variationId: 'a-x' }], stateWithPrerequisites(), graph),
    ).toEqual([
      { index: 0, field: 'key', reason: 'would create a prerequisite cycle: checkout -> a -> b -> c -> checkout' },
    ]);
    // Same graph in another environment: no cycle there, so the prerequisite is accepted.
    const state = stateWithPrerequisites();
    state.environments.staging = structuredClone(state.environments.production);
    const ctx = { ...graphCtx(graph), environmentKey: 'staging' };
    expect(
      applyFlagInstructions(state, [{ kind: 'addPrerequisite', key: 'a', variationId: 'a-x' }], ctx).environments
        .staging?.prerequisites,
    ).toEqual([{ key: 'a', variation: 0 }]);
  });

  it('accepts a diamond that is not a cycle', () => {
    const graph = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] };
    expect(
      prerequisitesAfter([{ kind: 'addPrerequisite', key: 'a', variationId: 'a-y' }], stateWithPrerequisites(), graph),
    ).toEqual([{ key: 'a', variation: 1 }]);
  });

  it.each([
    ['key', 'a flag cannot be its own prerequisite', { kind: 'addPrerequisite', key: 'checkout', variationId: 'on' }],
    ['key', "flag 'ghost' does not exist or is archived", { kind: 'addPrerequisite', key: 'ghost', variationId: 'x' }],
    [
      'variationId',
      "variation 'on' is not a variation of flag 'login'",
      { kind: 'addPrerequisite', key: 'login', variationId: 'on' },
    ],
    [
      'key',
      "flag 'billing' is already a prerequisite",
      { kind: 'addPrerequisite', key: 'billing', variationId: 'billing-x' },
    ],
    ['key', "'bad key!' is not a valid flag key", { kind: 'addPrerequisite', key: 'bad key!', variationId: 'x' }],
    ['variationId', 'is required', { kind: 'addPrerequisite', key: 'login' }],
    ['key', "flag 'login' is not a prerequisite", { kind: 'updatePrerequisite', key: 'login', variationId: 'login-x' }],
    [
      'variationId',
      "variation 'nope' is not a variation of flag 'billing'",
      { kind: 'updatePrerequisite', key: 'billing', variationId: 'nope' },
    ],
    ['key', "flag 'login' is not a prerequisite", { kind: 'removePrerequisite', key: 'login' }],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    const state = stateWithPrerequisites([{ key: 'billing', variation: 0 }]);
    expect(errorsOf([instruction], state, { login: [], billing: [] })).toEqual([{ index: 0, field, reason }]);
  });

  it('refuses updating a prerequisite whose flag no longer exists', () => {
    const state = stateWithPrerequisites([{ key: 'gone', variation: 0 }]);
    expect(errorsOf([{ kind: 'updatePrerequisite', key: 'gone', variationId: 'x' }], state, {})).toEqual([
      { index: 0, field: 'key', reason: "flag 'gone' does not exist or is archived" },
    ]);
    expect(prerequisitesAfter([{ kind: 'removePrerequisite', key: 'gone' }], state, {})).toEqual([]);
  });
});
