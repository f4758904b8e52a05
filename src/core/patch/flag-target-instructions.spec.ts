import { FlagEnvironmentConfig } from '../model/flag-config';
import { applyFlagInstructions } from './index';
import { makeCtx, makeEnv, makeFlag, makeState, thrown } from '../../../test/support/fixtures/patch';

const ctx = makeCtx({ newId: () => 'unused' });

function targetsAfter(
  instructions: unknown[],
  env = makeEnv(),
): Pick<FlagEnvironmentConfig, 'targets' | 'contextTargets'> {
  const state = makeState(makeFlag(), { production: env });
  const result = applyFlagInstructions(state, instructions, ctx).environments.production;
  return { targets: result.targets, contextTargets: result.contextTargets };
}

function errorsOf(instructions: unknown[], env = makeEnv()): unknown {
  return thrown(() => applyFlagInstructions(makeState(makeFlag(), { production: env }), instructions, ctx)).errors;
}

describe('flag target instructions', () => {
  it('puts user keys in targets, with a placeholder in contextTargets', () => {
    expect(targetsAfter([{ kind: 'addTargets', variationId: 'vb', values: ['u1', 'u2', 'u1'] }])).toEqual({
      targets: [{ variation: 1, values: ['u1', 'u2'] }],
      contextTargets: [{ contextKind: 'user', variation: 1, values: [] }],
    });
  });

  it('puts other kinds in contextTargets, after the placeholders of earlier user targets', () => {
    const result = targetsAfter([
      { kind: 'addTargets', variationId: 'va', values: ['u1'], contextKind: 'user' },
      { kind: 'addTargets', variationId: 'vc', values: ['o1'], contextKind: 'org' },
      { kind: 'addTargets', variationId: 'vb', values: ['u2'] },
      { kind: 'addTargets', variationId: 'vc', values: ['o2'], contextKind: 'org' },
    ]);
    expect(result).toEqual({
      targets: [
        { variation: 0, values: ['u1'] },
        { variation: 1, values: ['u2'] },
      ],
      contextTargets: [
        { contextKind: 'user', variation: 0, values: [] },
        { contextKind: 'org', variation: 2, values: ['o1', 'o2'] },
        { contextKind: 'user', variation: 1, values: [] },
      ],
    });
  });

  it('gives legacy user targets (no placeholders) their placeholders first when other kinds are added', () => {
    const legacy = makeEnv({ targets: [{ variation: 0, values: ['u1'] }] });
    expect(
      targetsAfter([{ kind: 'addTargets', variationId: 'vb', values: ['d1'], contextKind: 'device' }], legacy),
    ).toEqual({
      targets: [{ variation: 0, values: ['u1'] }],
      contextTargets: [
        { contextKind: 'user', variation: 0, values: [] },
        { contextKind: 'device', variation: 1, values: ['d1'] },
      ],
    });
  });

  it('allows the same key for different kinds, but not for two variations of one kind', () => {
    const result = targetsAfter([
      { kind: 'addTargets', variationId: 'va', values: ['k1'] },
      { kind: 'addTargets', variationId: 'vb', values: ['k1'], contextKind: 'org' },
    ]);
    expect(result.targets).toEqual([{ variation: 0, values: ['k1'] }]);
    expect(result.contextTargets[1]).toEqual({ contextKind: 'org', variation: 1, values: ['k1'] });

    expect(
      errorsOf([
        { kind: 'addTargets', variationId: 'va', values: ['k1'] },
        { kind: 'addTargets', variationId: 'vb', values: ['k2', 'k1'] },
      ]),
    ).toEqual([{ index: 1, field: 'values', reason: "'k1' (user) is already targeted by variation 'va'" }]);
    const orgTargeted = makeEnv({ contextTargets: [{ contextKind: 'org', variation: 2, values: ['o1'] }] });
    expect(
      errorsOf([{ kind: 'addTargets', variationId: 'va', values: ['o1'], contextKind: 'org' }], orgTargeted),
    ).toEqual([{ index: 0, field: 'values', reason: "'o1' (org) is already targeted by variation 'vc'" }]);
  });

  it('adding a key already targeted by the same variation is a no-op', () => {
    const env = makeEnv({
      targets: [{ variation: 0, values: ['u1'] }],
      contextTargets: [{ contextKind: 'user', variation: 0, values: [] }],
    });
    const state = makeState(makeFlag(), { production: env });
    const result = applyFlagInstructions(state, [{ kind: 'addTargets', variationId: 'va', values: ['u1'] }], ctx);
    expect(result.changedEnvironments).toEqual([]);
  });

  it('removeTargets removes keys and drops emptied entries with their placeholders', () => {
    const env = makeEnv({
      targets: [
        { variation: 0, values: ['u1'] },
        { variation: 1, values: ['u2', 'u3'] },
      ],
      contextTargets: [
        { contextKind: 'user', variation: 0, values: [] },
        { contextKind: 'org', variation: 2, values: ['o1'] },
        { contextKind: 'user', variation: 1, values: [] },
      ],
    });
    expect(
      targetsAfter(
        [
          { kind: 'removeTargets', variationId: 'va', values: ['u1'] },
          { kind: 'removeTargets', variationId: 'vb', values: ['u2', 'not-there'] },
          { kind: 'removeTargets', variationId: 'vc', values: ['o1'], contextKind: 'org' },
        ],
        env,
      ),
    ).toEqual({
      targets: [{ variation: 1, values: ['u3'] }],
      contextTargets: [{ contextKind: 'user', variation: 1, values: [] }],
    });
  });

  it('replaceTargets replaces every target of every kind', () => {
    const env = makeEnv({
      targets: [{ variation: 0, values: ['old'] }],
      contextTargets: [{ contextKind: 'user', variation: 0, values: [] }],
    });
    expect(
      targetsAfter(
        [
          {
            kind: 'replaceTargets',
            targets: [
              { variationId: 'vc', values: ['o1'], contextKind: 'org' },
              { variationId: 'vb', values: ['u1', 'old'] },
              { variationId: 'va', values: [] },
            ],
          },
        ],
        env,
      ),
    ).toEqual({
      targets: [{ variation: 1, values: ['u1', 'old'] }],
      contextTargets: [
        { contextKind: 'org', variation: 2, values: ['o1'] },
        { contextKind: 'user', variation: 1, values: [] },
      ],
    });
  });

  it('clearTargets removes every target', () => {
    const env = makeEnv({
      targets: [{ variation: 0, values: ['u'] }],
      contextTargets: [{ contextKind: 'org', variation: 0, values: ['o'] }],
    });
    expect(targetsAfter([{ kind: 'clearTargets' }], env)).toEqual({ targets: [], contextTargets: [] });
  });

  it.each([
    ['values', 'is required', { kind: 'addTargets', variationId: 'va' }],
    ['values[1]', 'must be a string', { kind: 'addTargets', variationId: 'va', values: ['u1', 2] }],
    ['values[0]', 'must not be empty', { kind: 'addTargets', variationId: 'va', values: [''] }],
    [
      'values',
      'must have at most 10000 items',
      { kind: 'addTargets', variationId: 'va', values: Array.from({ length: 10001 }, (_, i) => `u${i}`) },
    ],
    ['variationId', "variation 'vz' does not exist", { kind: 'removeTargets', variationId: 'vz', values: ['u1'] }],
    [
      'contextKind',
      "'bad kind' is not a context kind ([A-Za-z0-9_.-])",
      { kind: 'addTargets', variationId: 'va', values: ['u1'], contextKind: 'bad kind' },
    ],
    [
      'targets[1].values',
      "'u1' (user) is already targeted by variation 'va'",
      {
        kind: 'replaceTargets',
        targets: [
          { variationId: 'va', values: ['u1'] },
          { variationId: 'vb', values: ['u1'] },
        ],
      },
    ],
    [
      'targets[0].variation',
      "unknown field 'variation'",
      { kind: 'replaceTargets', targets: [{ variation: 0, values: ['u1'] }] },
    ],
    [
      'targets',
      'may hold at most 10000 values',
      {
        kind: 'replaceTargets',
        targets: [
          { variationId: 'va', values: Array.from({ length: 6000 }, (_, i) => `a${i}`) },
          { variationId: 'vb', values: Array.from({ length: 6000 }, (_, i) => `b${i}`) },
        ],
      },
    ],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    expect(errorsOf([instruction])).toEqual([{ index: 0, field, reason }]);
  });
});
