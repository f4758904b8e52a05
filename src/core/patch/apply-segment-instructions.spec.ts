import { SegmentConfig, SegmentRule } from '../model/flag-config';
import { applySegmentInstructions } from './index';
import { makeSegment, makeSegmentCtx, thrown } from '../../../test/support/fixtures/patch';

function segmentRule(id: string, overrides: Partial<SegmentRule> = {}): SegmentRule {
  return {
    _id: id,
    clauses: [{ _id: `${id}-c1`, attribute: 'plan', op: 'in', values: ['pro'], negate: false }],
    ...overrides,
  };
}

function after(instructions: unknown[], segment = makeSegment()): SegmentConfig {
  return applySegmentInstructions(segment, instructions, makeSegmentCtx()).segment;
}

function errorsOf(instructions: unknown[], segment = makeSegment()): unknown {
  return thrown(() => applySegmentInstructions(segment, instructions, makeSegmentCtx())).errors;
}

describe('applySegmentInstructions: targets', () => {
  it('adds and removes user keys in included/excluded and other kinds in the contexts lists', () => {
    const segment = after([
      { kind: 'addIncludedTargets', values: ['u2', 'u1', 'u2'] },
      { kind: 'addIncludedTargets', values: ['o1'], contextKind: 'org' },
      { kind: 'addExcludedTargets', values: ['u9'] },
      { kind: 'addExcludedTargets', values: ['d1', 'd2'], contextKind: 'device' },
    ]);
    expect(segment).toMatchObject({
      included: ['u1', 'u2'],
      excluded: ['u9'],
      includedContexts: [{ contextKind: 'org', values: ['o1'] }],
      excludedContexts: [{ contextKind: 'device', values: ['d1', 'd2'] }],
    });

    const removed = after(
      [
        { kind: 'removeIncludedTargets', values: ['u1', 'nope'] },
        { kind: 'removeIncludedTargets', values: ['o1'], contextKind: 'org' },
        { kind: 'removeExcludedTargets', values: ['d1'], contextKind: 'device' },
        { kind: 'removeExcludedTargets', values: ['x'], contextKind: 'team' },
      ],
      segment,
    );
    expect(removed).toMatchObject({
      included: ['u2'],
      excluded: ['u9'],
      includedContexts: [],
      excludedContexts: [{ contextKind: 'device', values: ['d2'] }],
    });
  });

  it('reports changed, leaves version, salt and the input alone', () => {
    const input = makeSegment();
    const before = structuredClone(input);
    const result = applySegmentInstructions(input, [{ kind: 'addIncludedTargets', values: ['u2'] }], makeSegmentCtx());
    expect(result.changed).toBe(true);
    expect(result.segment).toMatchObject({ version: 4, salt: 'salt' });
    expect(input).toEqual(before);
    expect(
      applySegmentInstructions(input, [{ kind: 'addIncludedTargets', values: ['u1'] }], makeSegmentCtx()).changed,
    ).toBe(false);
  });

  it('is all or nothing', () => {
    const input = makeSegment();
    const before = structuredClone(input);
    expect(
      errorsOf(
        [
          { kind: 'addIncludedTargets', values: ['u2'] },
          { kind: 'updateName', value: 'x' },
          { kind: 'addExcludedTargets', values: [1] },
        ],
        input,
      ),
    ).toEqual([{ index: 2, field: 'values[0]', reason: 'must be a string' }]);
    expect(input).toEqual(before);
  });
});

describe('applySegmentInstructions: rules', () => {
  it('addRule with and without a weight, before another rule', () => {
    const segment = after([
      { kind: 'addRule', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], description: 'pro plans' },
      {
        kind: 'addRule',
        ruleId: 'half',
        beforeRuleId: 'id1',
        weight: 50000,
        rolloutBucketBy: 'orgId',
        rolloutContextKind: 'org',
        clauses: [{ contextKind: 'org', attribute: 'size', op: 'greaterThan', values: [10] }],
      },
    ]);
    expect(segment.rules).toEqual([
      {
        _id: 'half',
        clauses: [
          { _id: 'id3', contextKind: 'org', attribute: 'size', op: 'greaterThan', values: [10], negate: false },
        ],
        weight: 50000,
        bucketBy: 'orgId',
        rolloutContextKind: 'org',
      },
      {
        _id: 'id1',
        clauses: [{ _id: 'id2', attribute: 'plan', op: 'in', values: ['pro'], negate: false }],
        description: 'pro plans',
      },
    ]);
  });

  it('allows segmentMatch clauses naming other segments', () => {
    const segment = after([
      { kind: 'addRule', clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['staff'] }] },
    ]);
    expect(segment.rules[0]?.clauses[0]).toEqual({
      _id: 'id2',
      attribute: 'segmentMatch',
      op: 'segmentMatch',
      values: ['staff'],
      negate: false,
    });
  });

  it('updateRuleRollout sets, keeps and clears weight and bucketing', () => {
    const base = makeSegment({ rules: [segmentRule('r1')] });
    const weighted = after(
      [{ kind: 'updateRuleRollout', ruleId: 'r1', weight: 25000, rolloutBucketBy: 'deviceId' }],
      base,
    );
    expect(weighted.rules[0]).toEqual(segmentRule('r1', { weight: 25000, bucketBy: 'deviceId' }));
    const reweighted = after([{ kind: 'updateRuleRollout', ruleId: 'r1', weight: 75000 }], weighted);
    expect(reweighted.rules[0]).toEqual(segmentRule('r1', { weight: 75000, bucketBy: 'deviceId' }));
    const unbucketed = after([{ kind: 'updateRuleRollout', ruleId: 'r1', rolloutBucketBy: null }], reweighted);
    expect(unbucketed.rules[0]).toEqual(segmentRule('r1', { weight: 75000 }));
    const cleared = after([{ kind: 'updateRuleRollout', ruleId: 'r1', weight: null }], weighted);
    expect(cleared.rules[0]).toEqual(segmentRule('r1'));
  });

  it('shares removeRule, reorderRules, updateRuleDescription and the clause edits with flags', () => {
    const base = makeSegment({ rules: [segmentRule('r1'), segmentRule('r2')] });
    expect(after([{ kind: 'removeRule', ruleId: 'r1' }], base).rules.map((r) => r._id)).toEqual(['r2']);
    expect(after([{ kind: 'reorderRules', ruleIds: ['r2', 'r1'] }], base).rules.map((r) => r._id)).toEqual([
      'r2',
      'r1',
    ]);
    expect(after([{ kind: 'updateRuleDescription', ruleId: 'r2', description: 'd' }], base).rules[1]?.description).toBe(
      'd',
    );

    const edited = after(
      [
        { kind: 'addClauses', ruleId: 'r1', clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }] },
        { kind: 'addValuesToClause', ruleId: 'r1', clauseId: 'id1', values: ['AT'] },
        { kind: 'removeValuesFromClause', ruleId: 'r1', clauseId: 'id1', values: ['DE'] },
        {
          kind: 'updateClause',
          ruleId: 'r1',
          clauseId: 'r1-c1',
          clause: { attribute: 'plan', op: 'startsWith', values: ['ent'] },
        },
        { kind: 'removeClauses', ruleId: 'r2', clauseIds: [] },
      ],
      base,
    );
    expect(edited.rules[0]?.clauses).toEqual([
      { _id: 'r1-c1', attribute: 'plan', op: 'startsWith', values: ['ent'], negate: false },
      { _id: 'id1', attribute: 'country', op: 'in', values: ['AT'], negate: false },
    ]);
    const twoClauses = makeSegment({
      rules: [
        segmentRule('r1', {
          clauses: [...segmentRule('r1').clauses, { _id: 'c2', attribute: 'a', op: 'in', values: [], negate: false }],
        }),
      ],
    });
    expect(
      after([{ kind: 'removeClauses', ruleId: 'r1', clauseIds: ['r1-c1'] }], twoClauses).rules[0]?.clauses.map(
        (c) => c._id,
      ),
    ).toEqual(['c2']);
  });

  it.each([
    [
      'weight',
      'must be an integer from 0 to 100000',
      { kind: 'addRule', weight: 100001, clauses: [{ attribute: 'a', op: 'in', values: [] }] },
    ],
    [
      'rolloutBucketBy',
      'is only allowed with a weight',
      { kind: 'addRule', rolloutBucketBy: 'x', clauses: [{ attribute: 'a', op: 'in', values: [] }] },
    ],
    [
      'clauses[0].values[0]',
      'a segment cannot match itself',
      { kind: 'addRule', clauses: [{ attribute: 's', op: 'segmentMatch', values: ['beta-users'] }] },
    ],
    ['clauses', 'must not be empty', { kind: 'addRule', clauses: [] }],
    [
      'variationId',
      "unknown field 'variationId'",
      { kind: 'addRule', variationId: 'v', clauses: [{ attribute: 'a', op: 'in', values: [] }] },
    ],
    ['ruleId', "rule 'nope' does not exist", { kind: 'updateRuleRollout', ruleId: 'nope', weight: 1 }],
    [
      undefined,
      'at least one of weight, rolloutBucketBy or rolloutContextKind is required',
      { kind: 'updateRuleRollout', ruleId: 'r1' },
    ],
    [
      'rolloutBucketBy',
      'is only allowed with a weight',
      { kind: 'updateRuleRollout', ruleId: 'r1', rolloutBucketBy: 'x' },
    ],
    [
      'rolloutContextKind',
      'is only allowed with a weight',
      { kind: 'updateRuleRollout', ruleId: 'r1', weight: null, rolloutContextKind: 'org' },
    ],
    [
      'ruleId',
      "rule id 'r1' already exists",
      { kind: 'addRule', ruleId: 'r1', clauses: [{ attribute: 'a', op: 'in', values: [] }] },
    ],
    [
      'clauseIds',
      'a rule must keep at least one clause',
      { kind: 'removeClauses', ruleId: 'r1', clauseIds: ['r1-c1'] },
    ],
  ])('refuses #%#: %s %s', (field, reason, instruction) => {
    const segment = makeSegment({ rules: [segmentRule('r1')] });
    expect(errorsOf([instruction], segment)).toEqual([
      field === undefined ? { index: 0, reason } : { index: 0, field, reason },
    ]);
  });
});

describe('applySegmentInstructions: name, description, tags', () => {
  it('updates name and description and edits tags as a sorted set', () => {
    const segment = after([
      { kind: 'updateName', value: 'Beta' },
      { kind: 'updateDescription', value: 'early adopters' },
      { kind: 'addTags', values: ['z', 'a'] },
      { kind: 'removeTags', values: ['b'] },
    ]);
    expect(segment).toMatchObject({ name: 'Beta', description: 'early adopters', tags: ['a', 'z'] });
  });

  it('refuses flag-only kinds and bad values', () => {
    expect(errorsOf([{ kind: 'turnFlagOn' }])).toEqual([
      { index: 0, field: 'kind', reason: "unknown instruction kind 'turnFlagOn'" },
    ]);
    expect(errorsOf([{ kind: 'updateName', value: '' }])).toEqual([
      { index: 0, field: 'value', reason: 'must not be empty' },
    ]);
    expect(errorsOf([{ kind: 'addTags', values: ['ok', 'no way'] }])).toEqual([
      { index: 0, field: 'values[1]', reason: "'no way' is not a valid tag ([A-Za-z0-9][A-Za-z0-9._-]{0,63})" },
    ]);
  });
});
