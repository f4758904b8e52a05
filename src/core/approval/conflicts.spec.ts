import { Clause, FlagDefinition, FlagEnvironmentConfig, Rule, SegmentRule } from '../model/flag-config';
import { makeEnv, makeFlag, makeSegment } from '../../../test/support/fixtures/patch';
import { findFlagConflicts, findSegmentConflicts } from './conflicts';

const clause = (id: string, values: string[]): Clause => ({
  _id: id,
  attribute: 'email',
  op: 'in',
  values,
  negate: false,
});
const rule = (id: string, values = ['x']): Rule => ({
  _id: id,
  clauses: [clause(`${id}-c`, values)],
  variation: 0,
  trackEvents: false,
});

/** Base: makeFlag() with rules r1, r2 and a user target at version 7; `current` is edited from there. */
function baseSide(env: Partial<FlagEnvironmentConfig> = {}, flag: Partial<FlagDefinition> = {}) {
  return {
    flag: makeFlag(flag),
    environment: makeEnv({
      version: 7,
      rules: [rule('r1'), rule('r2')],
      targets: [{ variation: 0, values: ['u1'] }],
      contextTargets: [{ contextKind: 'user', variation: 0, values: [] }],
      prerequisites: [{ key: 'p1', variation: 0 }],
      ...env,
    }),
  };
}

function conflicts(current: ReturnType<typeof baseSide>, instructions: unknown[], base = baseSide()) {
  let n = 0;
  return findFlagConflicts({
    base,
    current,
    environmentKey: 'production',
    instructions,
    ctx: { newId: () => `new${++n}`, lookupFlag: () => undefined, segmentExists: () => true },
  });
}

describe('findFlagConflicts', () => {
  it('finds none when nothing changed since the base, without applying anything', () => {
    expect(conflicts(baseSide(), [{ kind: 'removeRule', ruleId: 'nope' }])).toEqual([]);
  });

  it('an instruction that no longer applies conflicts with the patch error; later ones are still checked', () => {
    const current = baseSide({ version: 8, rules: [rule('r2')] });
    expect(
      conflicts(current, [
        { kind: 'addValuesToClause', ruleId: 'r1', clauseId: 'r1-c', values: ['y'] },
        { kind: 'turnFlagOff' },
        {
          kind: 'addRule',
          beforeRuleId: 'r1',
          variationId: 'va',
          clauses: [{ attribute: 'email', op: 'in', values: ['z'] }],
        },
      ]),
    ).toEqual([
      { index: 0, kind: 'addValuesToClause', reason: "rule 'r1' does not exist" },
      { index: 2, kind: 'addRule', reason: "rule 'r1' does not exist" },
    ]);
  });

  it('a rule edit conflicts only when its own rule changed; adding and reordering depend on the whole list', () => {
    const current = baseSide({ version: 9, rules: [rule('r1'), rule('r2', ['x', 'y'])] });
    expect(
      conflicts(current, [
        { kind: 'updateRuleDescription', ruleId: 'r1', description: 'fine' },
        { kind: 'updateRuleDescription', ruleId: 'r2', description: 'stale' },
        { kind: 'reorderRules', ruleIds: ['r2', 'r1'] },
        { kind: 'addRule', variationId: 'vb', clauses: [{ attribute: 'email', op: 'in', values: ['z'] }] },
      ]),
    ).toEqual([
      { index: 1, kind: 'updateRuleDescription', reason: "rule 'r2' changed since version 7" },
      { index: 2, kind: 'reorderRules', reason: "the flag's rules changed since version 7" },
      { index: 3, kind: 'addRule', reason: "the flag's rules changed since version 7" },
    ]);
  });

  it('later instructions apply on top of earlier ones, including ones that conflicted by drift', () => {
    const current = baseSide({ version: 8, rules: [rule('r1')] });
    // The new rule exists only because instruction 0 applied; it did not exist at the base or now.
    expect(
      conflicts(current, [
        {
          kind: 'addRule',
          ruleId: 'mine',
          variationId: 'va',
          clauses: [{ attribute: 'email', op: 'in', values: ['z'] }],
        },
        { kind: 'addValuesToClause', ruleId: 'mine', clauseId: 'new1', values: ['w'] },
      ]),
    ).toEqual([{ index: 0, kind: 'addRule', reason: "the flag's rules changed since version 7" }]);
  });

  it.each([
    ['on/off state', { kind: 'turnFlagOn' }, baseSide({ version: 8, on: false })],
    ['off variation', { kind: 'updateOffVariation', variationId: 'vc' }, baseSide({ version: 8, offVariation: 0 })],
    [
      'fallthrough',
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'vc' },
      baseSide({ version: 8, fallthrough: { variation: 1 } }),
    ],
    [
      'targets',
      { kind: 'addTargets', variationId: 'vb', values: ['u2'] },
      baseSide({
        version: 8,
        contextTargets: [
          { contextKind: 'user', variation: 0, values: [] },
          { contextKind: 'org', variation: 1, values: ['acme'] },
        ],
      }),
    ],
    [
      'prerequisites',
      { kind: 'removePrerequisite', key: 'p1' },
      baseSide({
        version: 8,
        prerequisites: [
          { key: 'p1', variation: 0 },
          { key: 'p2', variation: 1 },
        ],
      }),
    ],
    [
      'variations',
      { kind: 'updateVariation', variationId: 'va', name: 'A' },
      baseSide(
        { version: 8 },
        {
          variations: [
            { _id: 'va', value: 'a' },
            { _id: 'vb', value: 'b' },
            { _id: 'vc', value: 'see' },
          ],
        },
      ),
    ],
    ['tags', { kind: 'addTags', values: ['x'] }, baseSide({ version: 8 }, { tags: ['y'] })],
    ['name', { kind: 'updateName', value: 'New' }, baseSide({ version: 8 }, { name: 'Other' })],
    ['temporary setting', { kind: 'makeFlagPermanent' }, baseSide({ version: 8 }, { temporary: false })],
  ])("the flag's %s changed since the base", (label, instruction, current) => {
    expect(conflicts(current, [instruction])).toEqual([
      { index: 0, kind: instruction.kind, reason: `the flag's ${label} changed since version 7` },
    ]);
  });

  it('no conflict when only other parts changed', () => {
    const current = baseSide({
      version: 8,
      targets: [{ variation: 0, values: ['u1', 'u2'] }],
      fallthrough: { variation: 2 },
    });
    expect(
      conflicts(current, [
        { kind: 'turnFlagOff' },
        { kind: 'addTags', values: ['t'] },
        { kind: 'removeRule', ruleId: 'r2' },
      ]),
    ).toEqual([]);
  });

  it('a flag archived since then refuses every instruction', () => {
    const current = baseSide({ version: 8 }, { archived: true });
    expect(conflicts(current, [{ kind: 'turnFlagOff' }, { kind: 'addTags', values: ['t'] }])).toEqual([
      { index: 0, kind: 'turnFlagOff', reason: 'flag is archived' },
      { index: 1, kind: 'addTags', reason: 'flag is archived' },
    ]);
  });

  it('an unknown kind is a conflict of its own and does not stop the others', () => {
    const current = baseSide({ version: 8, on: false });
    expect(conflicts(current, [{ kind: 'frobnicate' }, { kind: 'turnFlagOn' }])).toEqual([
      { index: 0, kind: 'frobnicate', reason: "unknown instruction kind 'frobnicate'" },
      { index: 1, kind: 'turnFlagOn', reason: "the flag's on/off state changed since version 7" },
    ]);
  });
});

describe('findSegmentConflicts', () => {
  const s1: SegmentRule = { _id: 's1', clauses: [clause('s1-c', ['a'])] };
  const s2: SegmentRule = { _id: 's2', clauses: [clause('s2-c', ['b'])] };
  const base = makeSegment({ rules: [s1, s2] });
  let n = 0;
  const newId = () => `new${++n}`;
  const segmentExists = () => true;

  it('finds none when the segment did not change', () => {
    expect(
      findSegmentConflicts({
        base,
        current: makeSegment({ rules: [s1, s2] }),
        instructions: [{ kind: 'removeRule', ruleId: 'zz' }],
        newId,
        segmentExists,
      }),
    ).toEqual([]);
  });

  it('checks each instruction against the parts that changed since the base version', () => {
    const current = makeSegment({
      version: 5,
      includedContexts: [{ contextKind: 'org', values: ['acme'] }],
      rules: [s1, { ...s2, weight: 50000 }],
      tags: ['b', 'c'],
    });
    const instructions = [
      { kind: 'addIncludedTargets', values: ['u2'] },
      { kind: 'addExcludedTargets', values: ['u3'] },
      { kind: 'updateRuleRollout', ruleId: 's1', weight: 10000 },
      { kind: 'updateRuleRollout', ruleId: 's2', weight: 10000 },
      { kind: 'removeRule', ruleId: 'zz' },
      { kind: 'updateName', value: 'Renamed' },
      { kind: 'removeTags', values: ['b'] },
    ];
    expect(findSegmentConflicts({ base, current, instructions, newId, segmentExists })).toEqual([
      { index: 0, kind: 'addIncludedTargets', reason: "the segment's included targets changed since version 4" },
      { index: 3, kind: 'updateRuleRollout', reason: "rule 's2' changed since version 4" },
      { index: 4, kind: 'removeRule', reason: "rule 'zz' does not exist" },
      { index: 6, kind: 'removeTags', reason: "the segment's tags changed since version 4" },
    ]);
  });
});
