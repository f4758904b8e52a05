import { Clause, FlagDefinition, FlagEnvironmentConfig, Rule, SegmentRule } from '../model/flag-config';
import { booleanFlag, makeEnv, makeFlag, makeSegment } from '../../../test/support/fixtures/patch';
import { diffFlag, diffSegment } from './config-diff';

const clause = (id: string, attribute: string, op: Clause['op'], values: Clause['values']): Clause => ({
  _id: id,
  attribute,
  op,
  values,
  negate: false,
});
const rule = (id: string, clauses: Clause[], overrides: Partial<Rule> = {}): Rule => ({
  _id: id,
  clauses,
  variation: 0,
  trackEvents: false,
  ...overrides,
});

function side(flag: FlagDefinition, environment: FlagEnvironmentConfig) {
  return { flag, environment };
}

describe('diffFlag', () => {
  it('is empty for the same configuration, and ignores version and salt', () => {
    expect(diffFlag(side(makeFlag(), makeEnv()), side(makeFlag(), makeEnv()))).toEqual([]);
    expect(diffFlag(side(makeFlag(), makeEnv()), side(makeFlag(), makeEnv({ version: 9, salt: 'other' })))).toEqual([]);
  });

  it('turning the flag off', () => {
    expect(diffFlag(side(booleanFlag(), makeEnv()), side(booleanFlag(), makeEnv({ on: false })))).toEqual([
      { path: 'environment.on', before: true, after: false, summary: 'turned the flag off' },
    ]);
  });

  it('names fallthrough variations by value and rollout weights as percentages', () => {
    const rollout = {
      variations: [
        { variation: 0, weight: 20000 },
        { variation: 1, weight: 80000 },
      ],
    };
    expect(
      diffFlag(side(booleanFlag(), makeEnv()), side(booleanFlag(), makeEnv({ fallthrough: { rollout } }))),
    ).toEqual([
      {
        path: 'environment.fallthrough',
        before: { variation: 0 },
        after: { rollout },
        summary: 'fallthrough changed from serves true to rollout true 20% / false 80%',
      },
    ]);
  });

  it('leaves out zero weights, keeps fractions and says what a rollout buckets by', () => {
    const rollout = {
      variations: [
        { variation: 0, weight: 12500 },
        { variation: 1, weight: 0 },
        { variation: 2, weight: 87500 },
      ],
      bucketBy: 'deviceId',
    };
    const [change] = diffFlag(side(makeFlag(), makeEnv()), side(makeFlag(), makeEnv({ fallthrough: { rollout } })));
    expect(change?.summary).toBe('fallthrough changed from serves "a" to rollout "a" 12.5% / "c" 87.5% by deviceId');
  });

  it('names the off variation, using the variation names of each side', () => {
    const renamed = makeFlag({
      variations: [
        { _id: 'va', value: 'a' },
        { _id: 'vb', value: 'b', name: 'Bee' },
        { _id: 'vc', value: 'c' },
      ],
    });
    expect(
      diffFlag(side(makeFlag(), makeEnv({ offVariation: 0 })), side(renamed, makeEnv({ offVariation: 1 }))),
    ).toEqual([
      {
        path: 'flag.variations[id=vb].name',
        before: undefined,
        after: 'Bee',
        summary: 'variation vb: name changed from unset to "Bee"',
      },
      { path: 'environment.offVariation', before: 0, after: 1, summary: 'off variation changed from "a" to Bee' },
    ]);
    expect(diffFlag(side(makeFlag(), makeEnv()), side(makeFlag(), makeEnv({ offVariation: null })))[0]?.summary).toBe(
      'off variation changed from "b" to the caller\'s default',
    );
  });

  it('matches rules by id: one reorder, then removed, changed and added rules', () => {
    const r1 = rule('r1', [clause('c1', 'email', 'endsWith', ['@acme.com'])]);
    const r2 = rule('r2', [clause('c2', 'country', 'in', ['us'])], { variation: 1 });
    const r3 = rule('r3', [clause('c3', 'beta', 'in', [true])], { description: 'old' });
    const r4 = rule('r4', [clause('c4', 'plan', 'in', ['gold'])], { variation: 2 });
    const rollout = {
      variations: [
        { variation: 0, weight: 50000 },
        { variation: 1, weight: 0 },
        { variation: 2, weight: 50000 },
      ],
    };
    const r2After: Rule = { _id: 'r2', clauses: r2.clauses, rollout, trackEvents: false };
    const r1After = rule('r1', [clause('c1', 'email', 'endsWith', ['@acme.com', '@gantry.dev'])]);

    const changes = diffFlag(
      side(makeFlag(), makeEnv({ rules: [r1, r2, r3] })),
      side(makeFlag(), makeEnv({ rules: [r2After, r1After, r4] })),
    );

    expect(changes).toEqual([
      { path: 'environment.rules', before: ['r1', 'r2', 'r3'], after: ['r2', 'r1', 'r4'], summary: 'rules reordered' },
      { path: 'environment.rules[id=r3]', before: r3, after: undefined, summary: 'removed rule "old"' },
      {
        path: 'environment.rules[id=r2].variationOrRollout',
        before: { variation: 1 },
        after: { rollout },
        summary: 'rule r2 changed from serves "b" to rollout "a" 50% / "c" 50%',
      },
      {
        path: 'environment.rules[id=r1].clauses[id=c1].values',
        before: ['@acme.com'],
        after: ['@acme.com', '@gantry.dev'],
        summary: 'rule r1, clause c1 values: added @gantry.dev',
      },
      {
        path: 'environment.rules[id=r4]',
        before: undefined,
        after: r4,
        summary: 'added rule r4: if plan in gold then serves "c"',
      },
    ]);
  });

  it('adding a rule in front is not a reorder', () => {
    const r1 = rule('r1', [clause('c1', 'email', 'in', ['x'])]);
    const r0 = rule('r0', [clause('c0', 'email', 'in', ['y'])]);
    expect(
      diffFlag(side(booleanFlag(), makeEnv({ rules: [r1] })), side(booleanFlag(), makeEnv({ rules: [r0, r1] }))),
    ).toEqual([
      {
        path: 'environment.rules[id=r0]',
        before: undefined,
        after: r0,
        summary: 'added rule r0: if email in y then serves true',
      },
    ]);
  });

  it('reports clause additions, removals and field edits, and rule description and trackEvents', () => {
    const before = rule('r1', [clause('c1', 'email', 'in', ['x']), clause('c2', 'plan', 'in', ['gold'])]);
    const c3: Clause = { _id: 'c3', contextKind: 'org', attribute: 'tier', op: 'in', values: ['a', 'b'], negate: true };
    const after = rule('r1', [{ ...clause('c1', 'email', 'endsWith', ['x']) }, c3], {
      description: 'staff',
      trackEvents: true,
    });
    const changes = diffFlag(
      side(booleanFlag(), makeEnv({ rules: [before] })),
      side(booleanFlag(), makeEnv({ rules: [after] })),
    );
    expect(changes).toEqual([
      {
        path: 'environment.rules[id=r1].clauses[id=c2]',
        before: before.clauses[1],
        after: undefined,
        summary: 'rule "staff": removed clause plan in gold',
      },
      {
        path: 'environment.rules[id=r1].clauses[id=c1].op',
        before: 'in',
        after: 'endsWith',
        summary: 'rule "staff", clause c1: op changed from "in" to "endsWith"',
      },
      {
        path: 'environment.rules[id=r1].clauses[id=c3]',
        before: undefined,
        after: c3,
        summary: 'rule "staff": added clause org tier not in a, b',
      },
      {
        path: 'environment.rules[id=r1].description',
        before: undefined,
        after: 'staff',
        summary: 'rule r1: description changed from unset to "staff"',
      },
      {
        path: 'environment.rules[id=r1].trackEvents',
        before: false,
        after: true,
        summary: 'rule "staff" now tracks events',
      },
    ]);
  });

  it('lists individual targets added and removed per variation, including a key that moved', () => {
    const before = makeEnv({
      targets: [{ variation: 0, values: ['a', 'c'] }],
      contextTargets: [{ contextKind: 'user', variation: 0, values: [] }],
    });
    const after = makeEnv({
      targets: [
        { variation: 0, values: ['a', 'b'] },
        { variation: 1, values: ['c'] },
      ],
      contextTargets: [
        { contextKind: 'user', variation: 0, values: [] },
        { contextKind: 'user', variation: 1, values: [] },
        { contextKind: 'org', variation: 1, values: ['acme'] },
      ],
    });
    expect(diffFlag(side(booleanFlag(), before), side(booleanFlag(), after))).toEqual([
      {
        path: 'environment.targets',
        before: before.targets,
        after: after.targets,
        summary: 'individual targets: added b to true; added c to false; removed c from true',
      },
      {
        path: 'environment.contextTargets',
        before: before.contextTargets,
        after: after.contextTargets,
        summary: 'context targets: added org:acme to false',
      },
    ]);
  });

  it('leaves out the user placeholder that comes with a first user target', () => {
    const after = makeEnv({
      targets: [{ variation: 1, values: ['u1'] }],
      contextTargets: [{ contextKind: 'user', variation: 1, values: [] }],
    });
    expect(diffFlag(side(booleanFlag(), makeEnv()), side(booleanFlag(), after))).toEqual([
      {
        path: 'environment.targets',
        before: [],
        after: after.targets,
        summary: 'individual targets: added u1 to false',
      },
    ]);
  });

  it('summarises prerequisite changes by key', () => {
    const before = makeEnv({
      prerequisites: [
        { key: 'p1', variation: 0 },
        { key: 'p2', variation: 1 },
      ],
    });
    const after = makeEnv({
      prerequisites: [
        { key: 'p1', variation: 1 },
        { key: 'p3', variation: 0 },
      ],
    });
    expect(diffFlag(side(makeFlag(), before), side(makeFlag(), after))).toEqual([
      {
        path: 'environment.prerequisites',
        before: before.prerequisites,
        after: after.prerequisites,
        summary:
          'prerequisite p1 now requires variation 1 (was 0); added prerequisite p3 (variation 0); removed prerequisite p2',
      },
    ]);
  });

  it('lists flag-level changes first, in field order, then environment changes', () => {
    const before = makeFlag({ tags: ['a', 'c'], name: 'Checkout' });
    const after = makeFlag({
      tags: ['a', 'b'],
      name: 'Checkout v2',
      temporary: false,
      variations: [
        { _id: 'va', value: 'a' },
        { _id: 'vb', value: 'bee' },
        { _id: 'vc', value: 'c' },
        { _id: 'vd', value: 'd', name: 'Dee' },
      ],
    });
    const changes = diffFlag(side(before, makeEnv()), side(after, makeEnv({ on: false })));
    expect(changes.map((c) => [c.path, c.summary])).toEqual([
      ['flag.name', 'name changed from "Checkout" to "Checkout v2"'],
      ['flag.variations[id=vb].value', 'variation vb: value changed from "b" to "bee"'],
      ['flag.variations[id=vd]', 'added variation "d" (Dee)'],
      ['flag.tags', 'tags: added b; removed c'],
      ['flag.temporary', 'marked the flag permanent'],
      ['environment.on', 'turned the flag off'],
    ]);
    expect(changes[3]).toEqual({
      path: 'flag.tags',
      before: ['a', 'c'],
      after: ['a', 'b'],
      summary: 'tags: added b; removed c',
    });
  });

  it('archiving and restoring', () => {
    expect(diffFlag(side(makeFlag(), makeEnv()), side(makeFlag({ archived: true }), makeEnv()))[0]?.summary).toBe(
      'archived the flag',
    );
    expect(diffFlag(side(makeFlag({ archived: true }), makeEnv()), side(makeFlag(), makeEnv()))[0]?.summary).toBe(
      'restored the flag',
    );
  });
});

describe('diffSegment', () => {
  it('is empty for the same segment at another version', () => {
    expect(diffSegment(makeSegment(), makeSegment({ version: 5 }))).toEqual([]);
  });

  it('targets, context targets and tags', () => {
    const after = makeSegment({
      included: ['u2', 'u3'],
      excluded: ['u9'],
      includedContexts: [{ contextKind: 'org', values: ['acme'] }],
      tags: ['b', 'beta'],
    });
    expect(diffSegment(makeSegment(), after)).toEqual([
      { path: 'segment.tags', before: ['b'], after: ['b', 'beta'], summary: 'tags: added beta' },
      {
        path: 'segment.included',
        before: ['u1'],
        after: ['u2', 'u3'],
        summary: 'included users: added u2, u3; removed u1',
      },
      { path: 'segment.excluded', before: [], after: ['u9'], summary: 'excluded users: added u9' },
      {
        path: 'segment.includedContexts',
        before: [],
        after: after.includedContexts,
        summary: 'included contexts: added org:acme',
      },
    ]);
  });

  it('cuts long lists short', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `k${i + 1}`);
    expect(diffSegment(makeSegment({ included: [] }), makeSegment({ included: keys }))[0]?.summary).toBe(
      'included users: added k1, k2, k3, k4, k5, k6, k7, k8, k9, k10 and 2 more',
    );
  });

  it('segment rules: weights and added rules', () => {
    const s1: SegmentRule = { _id: 's1', clauses: [clause('c1', 'email', 'endsWith', ['@acme.com'])] };
    const s2: SegmentRule = { _id: 's2', clauses: [clause('c2', 'plan', 'in', ['gold'])], weight: 25000 };
    const changes = diffSegment(makeSegment({ rules: [s1] }), makeSegment({ rules: [{ ...s1, weight: 20000 }, s2] }));
    expect(changes).toEqual([
      {
        path: 'segment.rules[id=s1].weight',
        before: undefined,
        after: 20000,
        summary: 'rule s1 now includes 20% of matching contexts (was all)',
      },
      {
        path: 'segment.rules[id=s2]',
        before: undefined,
        after: s2,
        summary: 'added rule s2: includes 25% of contexts where plan in gold',
      },
    ]);
  });

  it('deleting a segment', () => {
    expect(diffSegment(makeSegment(), makeSegment({ deleted: true }))).toEqual([
      { path: 'segment.deleted', before: false, after: true, summary: 'deleted the segment' },
    ]);
  });
});
