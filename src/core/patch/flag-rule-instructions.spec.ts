import { Clause, Rule } from '../model/flag-config';
import { FlagPatchState, applyFlagInstructions } from './index';
import { makeCtx, makeEnv, makeFlag, makeState, thrown } from '../../../test/support/fixtures/patch';

function clause(id: string, overrides: Partial<Clause> = {}): Clause {
  return { _id: id, attribute: 'email', op: 'endsWith', values: ['@acme.com'], negate: false, ...overrides };
}

function rule(id: string, overrides: Partial<Rule> = {}): Rule {
  return { _id: id, clauses: [clause(`${id}-c1`)], variation: 0, trackEvents: false, ...overrides };
}

/** makeFlag() with these rules in 'production'. */
function stateWithRules(rules: Rule[] = [rule('r1'), rule('r2')]): FlagPatchState {
  return makeState(makeFlag(), { production: makeEnv({ rules }) });
}

function rulesAfter(instructions: unknown[], state = stateWithRules()): Rule[] {
  return applyFlagInstructions(state, instructions, makeCtx()).environments.production?.rules ?? [];
}

function errorsOf(instructions: unknown[], state = stateWithRules()): unknown {
  return thrown(() => applyFlagInstructions(state, instructions, makeCtx())).errors;
}

describe('flag rule instructions', () => {
  it('addRule appends a rule serving a variation, with generated rule and clause ids', () => {
    const rules = rulesAfter([
      {
        kind: 'addRule',
        variationId: 'vc',
        description: 'staff',
        clauses: [
          { attribute: 'email', op: 'endsWith', values: ['@gantry.dev'] },
          { contextKind: 'org', attribute: '/plan/tier', op: 'in', values: ['gold'], negate: true },
        ],
      },
    ]);
    expect(rules.map((r) => r._id)).toEqual(['r1', 'r2', 'id1']);
    expect(rules[2]).toEqual({
      _id: 'id1',
      clauses: [
        { _id: 'id2', attribute: 'email', op: 'endsWith', values: ['@gantry.dev'], negate: false },
        { _id: 'id3', contextKind: 'org', attribute: '/plan/tier', op: 'in', values: ['gold'], negate: true },
      ],
      variation: 2,
      description: 'staff',
      trackEvents: false,
    });
  });

  it('addRule with a rollout, a given ruleId and beforeRuleId', () => {
    const rules = rulesAfter([
      {
        kind: 'addRule',
        ruleId: 'mine',
        beforeRuleId: 'r2',
        rolloutWeights: { va: 10000, vb: 90000 },
        rolloutBucketBy: 'deviceId',
        clauses: [{ attribute: 'beta', op: 'in', values: [true] }],
      },
    ]);
    expect(rules.map((r) => r._id)).toEqual(['r1', 'mine', 'r2']);
    expect(rules[1]).toEqual({
      _id: 'mine',
      clauses: [{ _id: 'id1', attribute: 'beta', op: 'in', values: [true], negate: false }],
      rollout: {
        variations: [
          { variation: 0, weight: 10000 },
          { variation: 1, weight: 90000 },
          { variation: 2, weight: 0 },
        ],
        bucketBy: 'deviceId',
      },
      trackEvents: false,
    });
  });

  it('addRule accepts segmentMatch clauses whose values are segment keys', () => {
    const rules = rulesAfter([
      {
        kind: 'addRule',
        variationId: 'va',
        clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-users'] }],
      },
    ]);
    expect(rules[2]?.clauses).toEqual([
      { _id: 'id2', attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-users'], negate: false },
    ]);
  });

  const anyClause = { attribute: 'email', op: 'in', values: ['x'] };
  it.each([
    [undefined, 'exactly one of variationId or rolloutWeights is required', { kind: 'addRule', clauses: [anyClause] }],
    ['clauses', 'is required', { kind: 'addRule', variationId: 'va' }],
    ['clauses', 'must not be empty', { kind: 'addRule', variationId: 'va', clauses: [] }],
    ['clauses[0]', 'must be an object', { kind: 'addRule', variationId: 'va', clauses: ['email'] }],
    [
      'clauses[0].op',
      'must be one of in, endsWith, startsWith, matches, contains, lessThan, lessThanOrEqual, greaterThan, ' +
        'greaterThanOrEqual, before, after, semVerEqual, semVerLessThan, semVerGreaterThan, segmentMatch',
      { kind: 'addRule', variationId: 'va', clauses: [{ attribute: 'email', op: 'equals', values: [] }] },
    ],
    [
      'clauses[0].attribute',
      'must not be empty',
      { kind: 'addRule', variationId: 'va', clauses: [{ attribute: '', op: 'in', values: [] }] },
    ],
    [
      'clauses[0].attribute',
      "'/' is not a valid attribute reference",
      { kind: 'addRule', variationId: 'va', clauses: [{ contextKind: 'user', attribute: '/', op: 'in', values: [] }] },
    ],
    [
      'clauses[0].values',
      'must be an array',
      { kind: 'addRule', variationId: 'va', clauses: [{ attribute: 'email', op: 'in', values: 'x' }] },
    ],
    [
      'clauses[0].values[0]',
      'must be at most 1024 characters',
      { kind: 'addRule', variationId: 'va', clauses: [{ attribute: 'email', op: 'in', values: ['x'.repeat(1025)] }] },
    ],
    [
      'clauses[0].values[1]',
      'segmentMatch values must be strings',
      { kind: 'addRule', variationId: 'va', clauses: [{ attribute: 's', op: 'segmentMatch', values: ['ok', 3] }] },
    ],
    [
      'clauses[0].negate',
      'must be a boolean',
      { kind: 'addRule', variationId: 'va', clauses: [{ ...anyClause, negate: 'yes' }] },
    ],
    [
      'clauses[0].contextKind',
      "'kind' is not a valid context kind",
      { kind: 'addRule', variationId: 'va', clauses: [{ ...anyClause, contextKind: 'kind' }] },
    ],
    [
      'clauses[0]._id',
      "unknown field '_id'",
      { kind: 'addRule', variationId: 'va', clauses: [{ ...anyClause, _id: 'c' }] },
    ],
    [
      'ruleId',
      "rule id 'r1' already exists",
      { kind: 'addRule', ruleId: 'r1', variationId: 'va', clauses: [anyClause] },
    ],
    [
      'beforeRuleId',
      "rule 'nope' does not exist",
      { kind: 'addRule', beforeRuleId: 'nope', variationId: 'va', clauses: [anyClause] },
    ],
    ['variationId', "variation 'vz' does not exist", { kind: 'addRule', variationId: 'vz', clauses: [anyClause] }],
    ['ruleId', "rule 'nope' does not exist", { kind: 'removeRule', ruleId: 'nope' }],
    ['ruleIds', 'must list every existing rule id exactly once', { kind: 'reorderRules', ruleIds: ['r1'] }],
    ['ruleIds', 'must list every existing rule id exactly once', { kind: 'reorderRules', ruleIds: ['r1', 'r1'] }],
    ['ruleIds', 'must list every existing rule id exactly once', { kind: 'reorderRules', ruleIds: ['r1', 'r3'] }],
    [
      'clauseIds',
      'a rule must keep at least one clause',
      { kind: 'removeClauses', ruleId: 'r1', clauseIds: ['r1-c1'] },
    ],
    [
      'clauseIds[0]',
      "clause 'c9' does not exist in rule 'r1'",
      { kind: 'removeClauses', ruleId: 'r1', clauseIds: ['c9'] },
    ],
    [
      'clauseId',
      "clause 'c9' does not exist in rule 'r2'",
      { kind: 'updateClause', ruleId: 'r2', clauseId: 'c9', clause: anyClause },
    ],
    ['clause', 'is required', { kind: 'updateClause', ruleId: 'r2', clauseId: 'r2-c1' }],
    [
      'clause.attribute',
      'is required',
      { kind: 'updateClause', ruleId: 'r2', clauseId: 'r2-c1', clause: { op: 'in', values: [] } },
    ],
    ['values', 'must be an array', { kind: 'addValuesToClause', ruleId: 'r1', clauseId: 'r1-c1', values: 'x' }],
    ['description', 'is required', { kind: 'updateRuleDescription', ruleId: 'r1' }],
    [
      undefined,
      'exactly one of variationId or rolloutWeights is required',
      { kind: 'updateRuleVariationOrRollout', ruleId: 'r1' },
    ],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    expect(errorsOf([instruction])).toEqual([field === undefined ? { index: 0, reason } : { index: 0, field, reason }]);
  });

  it('refuses segmentMatch values added to a segmentMatch clause unless they are segment keys', () => {
    const state = stateWithRules([
      rule('r1', { clauses: [clause('c1', { attribute: 'x', op: 'segmentMatch', values: ['a'] })] }),
    ]);
    expect(errorsOf([{ kind: 'addValuesToClause', ruleId: 'r1', clauseId: 'c1', values: [1] }], state)).toEqual([
      { index: 0, field: 'values[0]', reason: 'segmentMatch values must be strings' },
    ]);
  });

  it('enforces 1000 rules and 100 clauses per rule', () => {
    const many = Array.from({ length: 1000 }, (_, i) => rule(`r${i}`));
    const anyRule = { kind: 'addRule', variationId: 'va', clauses: [{ attribute: 'a', op: 'in', values: [] }] };
    expect(errorsOf([anyRule], stateWithRules(many))).toEqual([{ index: 0, reason: 'at most 1000 rules are allowed' }]);
    const tooMany = Array.from({ length: 101 }, () => ({ attribute: 'a', op: 'in', values: [] }));
    expect(errorsOf([{ ...anyRule, clauses: tooMany }])).toEqual([
      { index: 0, field: 'clauses', reason: 'must have at most 100 items' },
    ]);
    const full = stateWithRules([rule('r1', { clauses: Array.from({ length: 100 }, (_, i) => clause(`c${i}`)) })]);
    expect(
      errorsOf([{ kind: 'addClauses', ruleId: 'r1', clauses: [{ attribute: 'a', op: 'in', values: [] }] }], full),
    ).toEqual([{ index: 0, field: 'clauses', reason: 'a rule has at most 100 clauses' }]);
  });

  it('removeRule and reorderRules', () => {
    expect(rulesAfter([{ kind: 'removeRule', ruleId: 'r1' }]).map((r) => r._id)).toEqual(['r2']);
    const three = stateWithRules([rule('r1'), rule('r2'), rule('r3')]);
    expect(rulesAfter([{ kind: 'reorderRules', ruleIds: ['r3', 'r1', 'r2'] }], three).map((r) => r._id)).toEqual([
      'r3',
      'r1',
      'r2',
    ]);
  });

  it('updateRuleVariationOrRollout switches between a variation and a rollout', () => {
    const toRollout = rulesAfter([
      { kind: 'updateRuleVariationOrRollout', ruleId: 'r1', rolloutWeights: { vb: 100000 }, rolloutContextKind: 'org' },
    ]);
    expect(toRollout[0]).toEqual({
      _id: 'r1',
      clauses: [clause('r1-c1')],
      trackEvents: false,
      rollout: {
        variations: [
          { variation: 0, weight: 0 },
          { variation: 1, weight: 100000 },
          { variation: 2, weight: 0 },
        ],
        contextKind: 'org',
      },
    });
    const state = stateWithRules([
      rule('r1', { variation: undefined, rollout: { variations: [{ variation: 0, weight: 100000 }] } }),
    ]);
    expect(rulesAfter([{ kind: 'updateRuleVariationOrRollout', ruleId: 'r1', variationId: 'vc' }], state)[0]).toEqual({
      _id: 'r1',
      clauses: [clause('r1-c1')],
      trackEvents: false,
      variation: 2,
    });
  });

  it('updateRuleDescription sets and clears the description', () => {
    expect(rulesAfter([{ kind: 'updateRuleDescription', ruleId: 'r2', description: 'EU only' }])[1]?.description).toBe(
      'EU only',
    );
    const described = stateWithRules([rule('r1', { description: 'old' })]);
    expect(
      rulesAfter([{ kind: 'updateRuleDescription', ruleId: 'r1', description: '' }], described)[0],
    ).not.toHaveProperty('description');
  });

  it('addClauses, removeClauses and updateClause (which keeps the clause id)', () => {
    const added = rulesAfter([
      { kind: 'addClauses', ruleId: 'r1', clauses: [{ attribute: 'country', op: 'in', values: ['FR'] }] },
    ]);
    expect(added[0]?.clauses).toEqual([
      clause('r1-c1'),
      { _id: 'id1', attribute: 'country', op: 'in', values: ['FR'], negate: false },
    ]);

    const twoClauses = stateWithRules([rule('r1', { clauses: [clause('c1'), clause('c2')] })]);
    expect(rulesAfter([{ kind: 'removeClauses', ruleId: 'r1', clauseIds: ['c1'] }], twoClauses)[0]?.clauses).toEqual([
      clause('c2'),
    ]);

    const updated = rulesAfter([
      {
        kind: 'updateClause',
        ruleId: 'r2',
        clauseId: 'r2-c1',
        clause: { attribute: 'age', op: 'greaterThan', values: [18], negate: true },
      },
    ]);
    expect(updated[1]?.clauses).toEqual([
      { _id: 'r2-c1', attribute: 'age', op: 'greaterThan', values: [18], negate: true },
    ]);
  });

  it('addValuesToClause skips values already present; removeValuesFromClause ignores absent ones', () => {
    const added = rulesAfter([
      { kind: 'addValuesToClause', ruleId: 'r1', clauseId: 'r1-c1', values: ['@acme.com', '@b.com', '@b.com'] },
    ]);
    expect(added[0]?.clauses[0]?.values).toEqual(['@acme.com', '@b.com']);
    const removed = rulesAfter([
      { kind: 'removeValuesFromClause', ruleId: 'r1', clauseId: 'r1-c1', values: ['@acme.com', '@nope.com'] },
    ]);
    expect(removed[0]?.clauses[0]?.values).toEqual([]);
  });
});
