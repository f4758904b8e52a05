import type { SegmentSpec } from './config-file';
import { segmentInstructions } from './diff-segment';
import { segment } from '../../../test/support/fixtures/live-state';

const clause = { _id: 'c1', attribute: 'plan', op: 'in' as const, values: ['pro'], negate: false };
const spec: SegmentSpec = { key: 'beta', name: 'Beta' };

describe('segmentInstructions', () => {
  it('yields nothing for identical segments', () => {
    expect(segmentInstructions(segment(), spec)).toEqual([]);
    const rich = segment({
      included: ['a'],
      includedContexts: [{ contextKind: 'org', values: ['acme'] }],
      rules: [{ _id: 'r1', clauses: [clause], weight: 5000 }],
    });
    expect(
      segmentInstructions(rich, {
        ...spec,
        included: ['a'],
        includedContexts: [{ contextKind: 'org', values: ['acme'] }],
        rules: [{ id: 'r1', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], weight: 5000 }],
      }),
    ).toEqual([]);
  });

  it('changes metadata', () => {
    expect(
      segmentInstructions(segment({ tags: ['old'] }), {
        ...spec,
        name: 'Beta testers',
        description: 'd',
        tags: ['new'],
      }),
    ).toEqual([
      { kind: 'updateName', value: 'Beta testers' },
      { kind: 'updateDescription', value: 'd' },
      { kind: 'addTags', values: ['new'] },
      { kind: 'removeTags', values: ['old'] },
    ]);
  });

  it('adds and removes keys per side and context kind', () => {
    const live = segment({ included: ['a', 'b'], excludedContexts: [{ contextKind: 'org', values: ['x'] }] });
    expect(
      segmentInstructions(live, {
        ...spec,
        included: ['b', 'c'],
        includedContexts: [{ contextKind: 'org', values: ['acme'] }],
      }),
    ).toEqual([
      { kind: 'addIncludedTargets', values: ['acme'], contextKind: 'org' },
      { kind: 'addIncludedTargets', values: ['c'] },
      { kind: 'removeIncludedTargets', values: ['a'] },
      { kind: 'removeExcludedTargets', values: ['x'], contextKind: 'org' },
    ]);
  });

  it('adds a rule with the file id, edits one in place, removes one, reorders', () => {
    expect(
      segmentInstructions(segment(), {
        ...spec,
        rules: [
          { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], weight: 1000, bucketBy: 'org' },
        ],
      }),
    ).toEqual([
      {
        kind: 'addRule',
        ruleId: 'pro',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro'], negate: false }],
        weight: 1000,
        rolloutBucketBy: 'org',
      },
    ]);
    const live = segment({
      rules: [
        { _id: 'r1', clauses: [clause, { ...clause, _id: 'c2', attribute: 'country' }], weight: 5000 },
        { _id: 'r2', clauses: [clause] },
        { _id: 'r3', clauses: [clause] },
      ],
    });
    expect(
      segmentInstructions(live, {
        ...spec,
        rules: [
          { id: 'r3', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }] },
          { id: 'r1', clauses: [{ attribute: 'plan', op: 'in', values: ['pro', 'team'] }], description: 'paying' },
        ],
      }),
    ).toEqual([
      { kind: 'removeRule', ruleId: 'r2' },
      {
        kind: 'updateClause',
        ruleId: 'r1',
        clauseId: 'c1',
        clause: { attribute: 'plan', op: 'in', values: ['pro', 'team'], negate: false },
      },
      { kind: 'removeClauses', ruleId: 'r1', clauseIds: ['c2'] },
      { kind: 'updateRuleRollout', ruleId: 'r1', weight: null },
      { kind: 'updateRuleDescription', ruleId: 'r1', description: 'paying' },
      { kind: 'reorderRules', ruleIds: ['r3', 'r1'] },
    ]);
  });
});
