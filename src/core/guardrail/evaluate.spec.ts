import { booleanFlag, makeEnv, makeFlag, makeSegment } from '../../../test/support/fixtures/patch';
import type { Clause, FlagDefinition, FlagEnvironmentConfig, Rule } from '../model/flag-config';
import {
  checkFlagChange,
  checkFlagCreation,
  checkSegmentChange,
  splitFindings,
  type FlagChange,
  type GuardrailFinding,
} from './evaluate';
import type { GuardrailPolicy, GuardrailRule } from './policy';

const policy = (rules: GuardrailRule[], environmentKeys: string[] | null = null): GuardrailPolicy => ({
  key: 'p1',
  name: 'P1',
  description: '',
  environmentKeys,
  rules,
});

const envChange = (
  before: Partial<FlagEnvironmentConfig>,
  after: Partial<FlagEnvironmentConfig>,
  flag: FlagDefinition = booleanFlag(),
  key = 'production',
): FlagChange => ({
  before: flag,
  after: flag,
  flagChanged: false,
  environments: [{ key, before: makeEnv(before), after: makeEnv(after) }],
});

const flagChange = (before: FlagDefinition, after: FlagDefinition): FlagChange => ({
  before,
  after,
  flagChanged: true,
  environments: [],
});

const clause = (id: string, n: number, op: Clause['op'] = 'in'): Clause => ({
  _id: id,
  attribute: 'key',
  op,
  values: Array.from({ length: n }, (_, i) => `v${i}`),
  negate: false,
});

const rule = (id: string, serve: Pick<Rule, 'variation' | 'rollout'>, clauses: Clause[] = []): Rule => ({
  _id: id,
  clauses,
  trackEvents: false,
  ...serve,
});

const rollout = (trueWeight: number) => ({
  rollout: {
    variations: [
      { variation: 0, weight: trueWeight },
      { variation: 1, weight: 100000 - trueWeight },
    ],
  },
});

const rules = (findings: GuardrailFinding[]) => findings.map((f) => `${f.effect}:${f.rule}`);

describe('guardrail content rules', () => {
  it('flagKeyPattern applies to new flags only', () => {
    const p = policy([{ kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' }]);
    expect(checkFlagCreation([p], booleanFlag({ key: 'team-a' }))).toEqual([]);
    expect(checkFlagCreation([p], booleanFlag({ key: 'checkout' }))).toEqual([
      {
        policy: 'p1',
        rule: 'flagKeyPattern',
        effect: 'block',
        message: "flag key 'checkout' does not match the pattern 'team-*'",
      },
    ]);
    // An existing flag is never blocked for its key.
    const old = booleanFlag({ key: 'checkout' });
    expect(checkFlagChange([p], flagChange(old, { ...old, name: 'New' }))).toEqual([]);
  });

  it('requiredTags names the missing tags, on creation and flag-level changes, as block or warn', () => {
    const block = policy([{ kind: 'requiredTags', effect: 'block', tags: ['area', 'owner'] }]);
    const warn = policy([{ kind: 'requiredTags', effect: 'warn', tags: ['area', 'owner'] }]);
    expect(checkFlagCreation([block], booleanFlag({ tags: ['area'] }))[0].message).toBe(
      "the flag must carry the tag(s) 'owner'",
    );
    expect(checkFlagCreation([block], booleanFlag({ tags: ['area', 'owner', 'x'] }))).toEqual([]);
    const before = booleanFlag({ tags: ['area', 'owner'] });
    const after = { ...before, tags: ['area'] };
    expect(rules(checkFlagChange([block], flagChange(before, after)))).toEqual(['block:requiredTags']);
    expect(rules(checkFlagChange([warn], flagChange(before, after)))).toEqual(['warn:requiredTags']);
  });

  it('requireMaintainer and temporaryNeedsRemovalDate read the flag definition', () => {
    const p = policy([
      { kind: 'requireMaintainer', effect: 'warn' },
      { kind: 'temporaryNeedsRemovalDate', effect: 'block' },
    ]);
    expect(rules(checkFlagCreation([p], makeFlag({ temporary: true })))).toEqual([
      'warn:requireMaintainer',
      'block:temporaryNeedsRemovalDate',
    ]);
    expect(
      checkFlagCreation(
        [p],
        makeFlag({
          temporary: true,
          plannedRemovalDate: '2027-01-31',
          maintainerId: '6f1c1a36-8ad4-4a3e-9c57-0d7c1b7f3b11',
        }),
      ),
    ).toEqual([]);
    expect(rules(checkFlagCreation([p], makeFlag({ temporary: false })))).toEqual(['warn:requireMaintainer']);
  });

  it('are not checked on environment-only changes, nor when the flag ends up archived', () => {
    const p = policy([{ kind: 'requireMaintainer', effect: 'block' }]);
    expect(checkFlagChange([p], envChange({ on: false }, { on: true }))).toEqual([]);
    const flag = makeFlag();
    expect(checkFlagChange([p], flagChange(flag, { ...flag, archived: true }))).toEqual([]);
    expect(rules(checkFlagChange([p], flagChange(flag, { ...flag, name: 'x' })))).toEqual(['block:requireMaintainer']);
  });
});

describe('guardrail environment rules', () => {
  const max = (thousandths: number, effect: 'block' | 'warn' = 'block') =>
    policy([{ kind: 'maxRolloutIncrease', effect, thousandths }]);

  it('maxRolloutIncrease allows exactly the maximum rise and refuses one thousandth more', () => {
    expect(
      checkFlagChange([max(10000)], envChange({ fallthrough: rollout(5000) }, { fallthrough: rollout(15000) })),
    ).toEqual([]);
    const over = checkFlagChange(
      [max(10000)],
      envChange({ fallthrough: rollout(5000) }, { fallthrough: rollout(15001) }),
    );
    expect(over).toEqual([
      {
        policy: 'p1',
        rule: 'maxRolloutIncrease',
        effect: 'block',
        environment: 'production',
        message:
          'the fallthrough: variation true rises from 5000 to 15001 thousandths (+10001); at most +10000 per change',
      },
    ]);
    expect(
      rules(
        checkFlagChange([max(10000, 'warn')], envChange({ fallthrough: rollout(0) }, { fallthrough: rollout(20000) })),
      ),
    ).toEqual(['warn:maxRolloutIncrease']);
  });

  it('counts a fixed variation as all the traffic, and decreases as free', () => {
    // rollout 5% true → fixed true: +95000.
    expect(
      rules(
        checkFlagChange([max(10000)], envChange({ fallthrough: rollout(5000) }, { fallthrough: { variation: 0 } })),
      ),
    ).toEqual(['block:maxRolloutIncrease']);
    // fixed true → rollout 95% true: true falls, false rises by 5000.
    expect(
      checkFlagChange([max(10000)], envChange({ fallthrough: { variation: 0 } }, { fallthrough: rollout(95000) })),
    ).toEqual([]);
    // fixed false → fixed true: +100000.
    expect(
      rules(
        checkFlagChange([max(99999)], envChange({ fallthrough: { variation: 1 } }, { fallthrough: { variation: 0 } })),
      ),
    ).toEqual(['block:maxRolloutIncrease']);
    expect(
      checkFlagChange([max(100000)], envChange({ fallthrough: { variation: 1 } }, { fallthrough: { variation: 0 } })),
    ).toEqual([]);
  });

  it('checks each rule by id, and compares a new rule with the fallthrough before the change', () => {
    const before = { fallthrough: { variation: 1 }, rules: [rule('r1', rollout(0))] };
    expect(
      rules(checkFlagChange([max(10000)], envChange(before, { ...before, rules: [rule('r1', rollout(20000))] }))),
    ).toEqual(['block:maxRolloutIncrease']);
    expect(
      checkFlagChange([max(10000)], envChange(before, { ...before, rules: [rule('r1', rollout(10000))] })),
    ).toEqual([]);
    // A new rule serving 'false' to what fell through to 'false' rises by nothing.
    expect(
      checkFlagChange(
        [max(10000)],
        envChange(before, { ...before, rules: [rule('r1', rollout(0)), rule('r2', { variation: 1 })] }),
      ),
    ).toEqual([]);
    const added = checkFlagChange(
      [max(10000)],
      envChange(before, { ...before, rules: [rule('r1', rollout(0)), rule('r2', { variation: 0 })] }),
    );
    expect(added.map((f) => f.message)).toEqual([
      'rule 2 (new): variation true rises from 0 to 100000 thousandths (+100000); at most +10000 per change',
    ]);
  });

  it('counts nothing while the flag stays or turns off, and compares turning it on with the off variation', () => {
    const off = { on: false, offVariation: 1, fallthrough: { variation: 1 } };
    // Prepared while off: no traffic is served by the fallthrough.
    expect(checkFlagChange([max(10000)], envChange(off, { ...off, fallthrough: { variation: 0 } }))).toEqual([]);
    // Turned on at 10% true from everyone-false: +10000, allowed; at 100%: refused.
    expect(checkFlagChange([max(10000)], envChange(off, { ...off, on: true, fallthrough: rollout(10000) }))).toEqual(
      [],
    );
    const straight = checkFlagChange(
      [max(10000)],
      envChange({ ...off, fallthrough: { variation: 0 } }, { ...off, on: true, fallthrough: { variation: 0 } }),
    );
    expect(straight.map((f) => f.message)).toEqual([
      'the fallthrough: variation true rises from 0 to 100000 thousandths (+100000); at most +10000 per change',
    ]);
    // The kill switch: turning off is never a rise, whatever the off variation.
    expect(
      checkFlagChange([max(0)], envChange({ fallthrough: { variation: 1 } }, { on: false, offVariation: 0 })),
    ).toEqual([]);
  });

  it('follows variations by id, not by index', () => {
    const flag = makeFlag();
    const reordered = { ...flag, variations: [flag.variations[1], flag.variations[0], flag.variations[2]] };
    // Before: fixed index 0 ('a'). After reordering: index 1 is 'a' still: no rise.
    const change: FlagChange = {
      before: flag,
      after: reordered,
      flagChanged: true,
      environments: [
        {
          key: 'production',
          before: makeEnv({ fallthrough: { variation: 0 } }),
          after: makeEnv({ fallthrough: { variation: 1 } }),
        },
      ],
    };
    expect(checkFlagChange([max(0)], change)).toEqual([]);
  });

  it('maxClauseValues judges new and grown clauses only, for every operator', () => {
    const p = policy([{ kind: 'maxClauseValues', effect: 'block', max: 3 }]);
    const at3 = { rules: [rule('r', { variation: 0 }, [clause('c', 3)])] };
    expect(checkFlagChange([p], envChange({}, at3))).toEqual([]);
    const at4 = { rules: [rule('r', { variation: 0 }, [clause('c', 4, 'startsWith')])] };
    expect(checkFlagChange([p], envChange(at3, at4)).map((f) => f.message)).toEqual([
      "clause on 'key' (startsWith) has 4 values; at most 3 are allowed per clause",
    ]);
    // Already over before, not grown: an unrelated change passes.
    expect(checkFlagChange([p], envChange({ ...at4, on: false }, { ...at4, on: true }))).toEqual([]);
  });

  it('forbidIndividualTargets refuses added targets and context targets, not removals', () => {
    const p = policy([{ kind: 'forbidIndividualTargets', effect: 'block' }]);
    const one = { targets: [{ variation: 0, values: ['alice'] }] };
    expect(checkFlagChange([p], envChange({}, one))[0].message).toBe(
      'individual targets are not allowed here (added: user:alice)',
    );
    expect(checkFlagChange([p], envChange(one, {}))).toEqual([]);
    expect(
      rules(
        checkFlagChange(
          [p],
          envChange({}, { contextTargets: [{ variation: 0, values: ['acme'], contextKind: 'org' }] }),
        ),
      ),
    ).toEqual(['block:forbidIndividualTargets']);
    // Moving a target to another variation adds nothing.
    expect(checkFlagChange([p], envChange(one, { targets: [{ variation: 1, values: ['alice'] }] }))).toEqual([]);
  });

  it('apply only in the environments a policy covers', () => {
    const scoped = policy([{ kind: 'forbidIndividualTargets', effect: 'block' }], ['production']);
    const change = envChange({}, { targets: [{ variation: 0, values: ['a'] }] }, booleanFlag(), 'staging');
    expect(checkFlagChange([scoped], change)).toEqual([]);
    expect(rules(checkFlagChange([{ ...scoped, environmentKeys: null }], change))).toEqual([
      'block:forbidIndividualTargets',
    ]);
  });
});

describe('guardrails on segments', () => {
  const p = policy([
    { kind: 'forbidIndividualTargets', effect: 'warn' },
    { kind: 'maxClauseValues', effect: 'block', max: 2 },
  ]);

  it('refuse added included/excluded targets and oversized clauses', () => {
    const before = makeSegment({ included: ['u1'] });
    expect(checkSegmentChange([p], 'production', before, makeSegment({ included: ['u1', 'u2'] }))).toEqual([
      {
        policy: 'p1',
        rule: 'forbidIndividualTargets',
        effect: 'warn',
        environment: 'production',
        message: 'individual targets are not allowed here (added: included u2)',
      },
    ]);
    expect(
      rules(
        checkSegmentChange(
          [p],
          'production',
          before,
          makeSegment({ excludedContexts: [{ contextKind: 'org', values: ['x'] }] }),
        ),
      ),
    ).toEqual(['warn:forbidIndividualTargets']);
    const withRule = makeSegment({ rules: [{ _id: 'r', clauses: [clause('c', 3)] }] });
    expect(rules(checkSegmentChange([p], 'production', before, withRule))).toEqual(['block:maxClauseValues']);
    expect(checkSegmentChange([p], 'production', before, makeSegment({ included: [] }))).toEqual([]);
  });

  it('treat a new segment as adding all of its targets, and skip environments out of scope', () => {
    expect(rules(checkSegmentChange([p], 'production', null, makeSegment()))).toEqual(['warn:forbidIndividualTargets']);
    expect(checkSegmentChange([{ ...p, environmentKeys: ['other'] }], 'production', null, makeSegment())).toEqual([]);
  });

  it('split into blocks and warnings', () => {
    const findings = checkSegmentChange(
      [p],
      'production',
      null,
      makeSegment({ rules: [{ _id: 'r', clauses: [clause('c', 3)] }] }),
    );
    const { blocks, warnings } = splitFindings(findings);
    expect(rules(blocks)).toEqual(['block:maxClauseValues']);
    expect(rules(warnings)).toEqual(['warn:forbidIndividualTargets']);
  });
});
