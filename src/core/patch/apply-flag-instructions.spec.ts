import { FlagDefinition, FlagEnvironmentConfig } from '../model/flag-config';
import { PatchError, applyFlagInstructions } from './index';
import { makeCtx, makeEnv, makeFlag, makeState, thrown } from '../../../test/support/fixtures/patch';

// Here the flag carries the tag 'web', and 'production' and 'staging' are existing configs: off, at version 7, salted 'salty'.
function taggedFlag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return makeFlag({ tags: ['web'], ...overrides });
}

function existingEnv(overrides: Partial<FlagEnvironmentConfig> = {}): FlagEnvironmentConfig {
  return makeEnv({ on: false, salt: 'salty', version: 7, ...overrides });
}

const twoEnvState = (flag = taggedFlag()) => makeState(flag, { production: existingEnv(), staging: existingEnv() });

describe('applyFlagInstructions: serving', () => {
  it('turns the flag on and off in the context environment only', () => {
    const result = applyFlagInstructions(twoEnvState(), [{ kind: 'turnFlagOn' }], makeCtx());
    expect(result.environments.production?.on).toBe(true);
    expect(result.environments.staging?.on).toBe(false);
    expect(result.changedEnvironments).toEqual(['production']);
    expect(result.flagChanged).toBe(false);

    const state = twoEnvState();
    state.environments.production = existingEnv({ on: true });
    expect(applyFlagInstructions(state, [{ kind: 'turnFlagOff' }], makeCtx()).environments.production?.on).toBe(false);
  });

  it('reports no change when an instruction leaves the config as it was', () => {
    const result = applyFlagInstructions(twoEnvState(), [{ kind: 'turnFlagOff' }], makeCtx());
    expect(result.changedEnvironments).toEqual([]);
    expect(result.flagChanged).toBe(false);
  });

  it('updates the fallthrough to a fixed variation and to a rollout over every variation', () => {
    const fixed = applyFlagInstructions(
      twoEnvState(),
      [{ kind: 'updateFallthroughVariationOrRollout', variationId: 'vc' }],
      makeCtx(),
    );
    expect(fixed.environments.production?.fallthrough).toEqual({ variation: 2 });

    const rollout = applyFlagInstructions(
      twoEnvState(),
      [
        {
          kind: 'updateFallthroughVariationOrRollout',
          rolloutWeights: { vc: 25000, va: 75000 },
          rolloutBucketBy: 'orgId',
          rolloutContextKind: 'org',
        },
      ],
      makeCtx(),
    );
    expect(rollout.environments.production?.fallthrough).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 75000 },
          { variation: 1, weight: 0 },
          { variation: 2, weight: 25000 },
        ],
        bucketBy: 'orgId',
        contextKind: 'org',
      },
    });
  });

  it('keeps bucketBy, contextKind and seed of an existing rollout when re-weighting it', () => {
    const state = twoEnvState();
    state.environments.production = existingEnv({
      fallthrough: {
        rollout: { variations: [{ variation: 0, weight: 100000 }], bucketBy: 'orgId', contextKind: 'org', seed: 42 },
      },
    });
    const result = applyFlagInstructions(
      state,
      [{ kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 50000, vb: 50000 } }],
      makeCtx(),
    );
    expect(result.environments.production?.fallthrough).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 50000 },
          { variation: 1, weight: 50000 },
          { variation: 2, weight: 0 },
        ],
        bucketBy: 'orgId',
        contextKind: 'org',
        seed: 42,
      },
    });
  });

  it('sets and clears the off variation', () => {
    const set = applyFlagInstructions(twoEnvState(), [{ kind: 'updateOffVariation', variationId: 'vc' }], makeCtx());
    expect(set.environments.production?.offVariation).toBe(2);
    const cleared = applyFlagInstructions(
      twoEnvState(),
      [{ kind: 'updateOffVariation', variationId: null }],
      makeCtx(),
    );
    expect(cleared.environments.production?.offVariation).toBeNull();
  });

  it.each([
    [
      undefined,
      'exactly one of variationId or rolloutWeights is required',
      { kind: 'updateFallthroughVariationOrRollout' },
    ],
    [
      undefined,
      'exactly one of variationId or rolloutWeights is required',
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'va', rolloutWeights: { va: 100000 } },
    ],
    [
      'variationId',
      "variation 'nope' does not exist",
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'nope' },
    ],
    ['variationId', 'must be a string', { kind: 'updateFallthroughVariationOrRollout', variationId: 3 }],
    [
      'rolloutBucketBy',
      'is only allowed with rolloutWeights',
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'va', rolloutBucketBy: 'x' },
    ],
    [
      'rolloutWeights',
      'weights must add up to 100000, not 90000',
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 60000, vb: 30000 } },
    ],
    [
      'rolloutWeights.va',
      'must be an integer from 0 to 100000',
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 100001, vb: -1 } },
    ],
    [
      'rolloutWeights.va',
      'must be an integer from 0 to 100000',
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 50000.5, vb: 49999.5 } },
    ],
    [
      'rolloutWeights.zz',
      "variation 'zz' does not exist",
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { zz: 100000 } },
    ],
    ['rolloutWeights', 'must be an object', { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: [] }],
    [
      'rolloutContextKind',
      "'multi' is not a valid context kind",
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 100000 }, rolloutContextKind: 'multi' },
    ],
    [
      'rolloutBucketBy',
      "'/a//b' has an empty path component",
      {
        kind: 'updateFallthroughVariationOrRollout',
        rolloutWeights: { va: 100000 },
        rolloutContextKind: 'org',
        rolloutBucketBy: '/a//b',
      },
    ],
    ['variationId', 'is required', { kind: 'updateOffVariation' }],
    ['on', "unknown field 'on'", { kind: 'turnFlagOn', on: true }],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    const error = thrown(() => applyFlagInstructions(twoEnvState(), [instruction], makeCtx()));
    expect(error.code).toBe('patch/invalid_instruction');
    expect(error.status).toBe(400);
    expect(error.errors).toEqual([field === undefined ? { index: 0, reason } : { index: 0, field, reason }]);
  });
});

describe('applyFlagInstructions: flag-level settings', () => {
  it('adds tags as a sorted set and removes tags', () => {
    const added = applyFlagInstructions(
      twoEnvState(),
      [{ kind: 'addTags', values: ['mobile', 'beta', 'web', 'beta'] }],
      makeCtx(),
    );
    expect(added.flag.tags).toEqual(['beta', 'mobile', 'web']);
    expect(added.flagChanged).toBe(true);
    expect(added.changedEnvironments).toEqual([]);
    const removed = applyFlagInstructions(
      twoEnvState(taggedFlag({ tags: ['a', 'b', 'c'] })),
      [{ kind: 'removeTags', values: ['b', 'zzz'] }],
      makeCtx(),
    );
    expect(removed.flag.tags).toEqual(['a', 'c']);
  });

  it('updates name and description, temporary, archived', () => {
    const ctx = makeCtx({ environmentKey: undefined });
    const result = applyFlagInstructions(
      twoEnvState(),
      [
        { kind: 'updateName', value: 'New checkout' },
        { kind: 'updateDescription', value: 'Why it exists' },
        { kind: 'makeFlagPermanent' },
      ],
      ctx,
    );
    expect(result.flag).toMatchObject({ name: 'New checkout', description: 'Why it exists', temporary: false });
    expect(
      applyFlagInstructions(twoEnvState(taggedFlag({ temporary: false })), [{ kind: 'makeFlagTemporary' }], ctx).flag
        .temporary,
    ).toBe(true);
    expect(applyFlagInstructions(twoEnvState(), [{ kind: 'archiveFlag' }], ctx).flag.archived).toBe(true);
    expect(
      applyFlagInstructions(twoEnvState(taggedFlag({ archived: true })), [{ kind: 'restoreFlag' }], ctx).flag.archived,
    ).toBe(false);
  });

  it.each([
    [
      'values[1]',
      "'-bad' is not a valid tag ([A-Za-z0-9][A-Za-z0-9._-]{0,63})",
      { kind: 'addTags', values: ['ok', '-bad'] },
    ],
    ['values', 'must be an array', { kind: 'addTags', values: 'web' }],
    ['values[0]', 'must be at most 64 characters', { kind: 'addTags', values: ['x'.repeat(65)] }],
    ['value', 'must not be blank', { kind: 'updateName', value: '   ' }],
    ['value', 'must be at most 256 characters', { kind: 'updateName', value: 'n'.repeat(257) }],
    ['value', 'is required', { kind: 'updateName' }],
    ['value', 'must be at most 8192 characters', { kind: 'updateDescription', value: 'd'.repeat(8193) }],
    ['value', 'must be a string', { kind: 'updateDescription', value: 5 }],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    const error = thrown(() => applyFlagInstructions(twoEnvState(), [instruction], makeCtx()));
    expect(error.errors).toEqual([{ index: 0, field, reason }]);
  });
});

describe('applyFlagInstructions: contract', () => {
  it('is all or nothing: a failing 3rd instruction throws and leaves the input untouched', () => {
    const state = twoEnvState();
    const before = structuredClone(state);
    const error = thrown(() =>
      applyFlagInstructions(
        state,
        [
          { kind: 'turnFlagOn' },
          { kind: 'addTags', values: ['new'] },
          { kind: 'updateOffVariation', variationId: 'missing' },
        ],
        makeCtx(),
      ),
    );
    expect(error).toBeInstanceOf(PatchError);
    expect(error.errors).toEqual([{ index: 2, field: 'variationId', reason: "variation 'missing' does not exist" }]);
    expect(state).toEqual(before);
  });

  it('never mutates the input, even on success, and leaves version and salt alone', () => {
    const state = twoEnvState();
    const before = structuredClone(state);
    const result = applyFlagInstructions(
      state,
      [{ kind: 'turnFlagOn' }, { kind: 'addTags', values: ['x'] }],
      makeCtx(),
    );
    expect(state).toEqual(before);
    expect(result.environments.production).toMatchObject({ on: true, version: 7, salt: 'salty' });
    expect(result.flag).not.toBe(state.flag);
  });

  it('later instructions see the effect of earlier ones', () => {
    const result = applyFlagInstructions(
      twoEnvState(),
      [
        { kind: 'addVariation', value: 'd' },
        { kind: 'updateOffVariation', variationId: 'id1' },
      ],
      makeCtx(),
    );
    expect(result.environments.production?.offVariation).toBe(3);
    expect(result.flagChanged).toBe(true);
    expect(result.changedEnvironments).toEqual(['production']);
  });

  it('refuses environment instructions without an environment, but allows flag-level ones', () => {
    const noEnv = makeCtx({ environmentKey: undefined });
    const error = thrown(() =>
      applyFlagInstructions(twoEnvState(), [{ kind: 'addTags', values: ['a'] }, { kind: 'turnFlagOn' }], noEnv),
    );
    expect(error.errors).toEqual([{ index: 1, reason: 'instruction needs environmentKey' }]);
    const unknownEnv = thrown(() =>
      applyFlagInstructions(twoEnvState(), [{ kind: 'turnFlagOn' }], makeCtx({ environmentKey: 'qa' })),
    );
    expect(unknownEnv.errors).toEqual([
      { index: 0, reason: "instruction needs environmentKey: environment 'qa' does not exist" },
    ]);
  });

  it('refuses every instruction on an archived flag except restoreFlag, with flag/archived 409', () => {
    const archived = twoEnvState(taggedFlag({ archived: true }));
    const error = thrown(() => applyFlagInstructions(archived, [{ kind: 'turnFlagOn' }], makeCtx()));
    expect(error.code).toBe('flag/archived');
    expect(error.status).toBe(409);
    expect(error.errors).toEqual([{ index: 0, reason: 'flag is archived' }]);
    expect(thrown(() => applyFlagInstructions(archived, [{ kind: 'archiveFlag' }], makeCtx())).code).toBe(
      'flag/archived',
    );

    const restored = applyFlagInstructions(archived, [{ kind: 'restoreFlag' }, { kind: 'turnFlagOn' }], makeCtx());
    expect(restored.flag.archived).toBe(false);
    expect(restored.environments.production?.on).toBe(true);

    const archivedMidway = thrown(() =>
      applyFlagInstructions(twoEnvState(), [{ kind: 'archiveFlag' }, { kind: 'updateName', value: 'x' }], makeCtx()),
    );
    expect(archivedMidway.errors).toEqual([{ index: 1, reason: 'flag is archived' }]);
  });
});
