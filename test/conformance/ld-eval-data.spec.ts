import {
  effectiveDefault,
  effectiveValueType,
  ldEvalFiles,
  loadFileText,
  loadLdEvalSuites,
  parameterSets,
  parseLdYaml,
  substitute,
  type LdEvalSuite,
} from './ld-eval-data';

/** Typed in from the table in ../shared/conformance/launchdarkly-eval/README.md ("Files and expanded counts"). */
const EXPECTED_COUNTS: Record<string, { suites: number; evaluations: number }> = {
  'attribute-references.yml': { suites: 14, evaluations: 14 },
  'builtin-attrs.yml': { suites: 7, evaluations: 7 },
  'clause-kind-matching.yml': { suites: 14, evaluations: 14 },
  'errors-bad-attribute-reference.yml': { suites: 4, evaluations: 4 },
  'errors-wrong-type.yml': { suites: 1, evaluations: 6 },
  'errors.yml': { suites: 5, evaluations: 50 },
  'json-variations.yml': { suites: 1, evaluations: 2 },
  'negation-and-iteration.yml': { suites: 7, evaluations: 7 },
  'operators-date-bad-syntax.yml': { suites: 36, evaluations: 72 },
  'operators-date-bad-type.yml': { suites: 18, evaluations: 36 },
  'operators-date-equal.yml': { suites: 32, evaluations: 64 },
  'operators-date-unequal.yml': { suites: 16, evaluations: 64 },
  'operators-equality-bool-number.yml': { suites: 13, evaluations: 13 },
  'operators-equality.yml': { suites: 5, evaluations: 25 },
  'operators-numeric.yml': { suites: 20, evaluations: 20 },
  'operators-semver-bad-syntax.yml': { suites: 3, evaluations: 6 },
  'operators-semver-bad-type.yml': { suites: 36, evaluations: 72 },
  'operators-semver-equal.yml': { suites: 8, evaluations: 16 },
  'operators-semver-unequal.yml': { suites: 12, evaluations: 72 },
  'operators-string.yml': { suites: 26, evaluations: 52 },
  'prerequisites.yml': { suites: 1, evaluations: 14 },
  'rollout-or-experiment.yml': { suites: 8, evaluations: 16 },
  'rule-match.yml': { suites: 1, evaluations: 8 },
  'segment-match.yml': { suites: 1, evaluations: 20 },
  'segment-recursion.yml': { suites: 6, evaluations: 6 },
  'target-match.yml': { suites: 1, evaluations: 23 },
  'variation-value-types.yml': { suites: 5, evaluations: 25 },
};

/** Lists the harness round trip always writes. */
const NO_LISTS = { prerequisites: [], targets: [], contextTargets: [], rules: [] };
const NO_SEGMENT_LISTS = { included: [], excluded: [], includedContexts: [], excludedContexts: [], rules: [] };

const IS_MATCH = { value: true, variationIndex: 0, reason: { kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'ruleid' } };

describe('LaunchDarkly eval data: loading and expansion', () => {
  const suites = loadLdEvalSuites();
  const ofFile = (file: string): LdEvalSuite[] => suites.filter((s) => s.file === file);

  it('finds exactly the 27 files of the README table', () => {
    expect(ldEvalFiles()).toEqual(Object.keys(EXPECTED_COUNTS).sort());
  });

  it('expands every file to the README suite and evaluation counts', () => {
    const got: Record<string, { suites: number; evaluations: number }> = {};
    for (const s of suites) {
      got[s.file] ??= { suites: 0, evaluations: 0 };
      got[s.file].suites++;
      got[s.file].evaluations += s.evaluations.length;
    }
    expect(got).toEqual(EXPECTED_COUNTS);
    expect(suites).toHaveLength(301);
    expect(suites.reduce((n, s) => n + s.evaluations.length, 0)).toBe(728);
  });

  it('cartesian parameters: the first inner list changes fastest', () => {
    const lower = ['2017-12-06T00:00:00.000-07:00', '2017-12-06T07:00:00.000Z', '2017-12-06T07:00:00Z', 1512543600000];
    const higher = ['2017-12-06T00:01:01.000-07:00', '2017-12-06T07:01:01.000Z', '2017-12-06T07:01:01Z', 1512543601000];
    const got = ofFile('operators-date-unequal.yml').map((s) => s.params);
    expect(got).toEqual(higher.flatMap((h) => lower.map((l) => ({ LOWER_VALUE: l, HIGHER_VALUE: h }))));
    expect(
      parameterSets([
        [{ A: 1 }, { A: 2 }],
        [{ B: 'x' }, { B: 'y' }, { B: 'z' }],
      ]),
    ).toEqual([
      { A: 1, B: 'x' },
      { A: 2, B: 'x' },
      { A: 1, B: 'y' },
      { A: 2, B: 'y' },
      { A: 1, B: 'z' },
      { A: 2, B: 'z' },
    ]);
    expect(parameterSets([{ A: 1 }, { A: 2 }])).toEqual([{ A: 1 }, { A: 2 }]);
  });

  it('quoted placeholders take the typed JSON value; bare ones interpolate into strings', () => {
    // LOWER_VALUE = 1512543600000 (4th of the first list), HIGHER_VALUE = first of the second list.
    const s = ofFile('operators-date-unequal.yml')[3];
    const ev = s.evaluations.find((e) => e.flagKey === 'test-after-higher')!;
    expect(ev.name).toBe('1512543600000 after 2017-12-06T00:01:01.000-07:00 fails');
    expect(ev.context).toEqual({ key: 'user-key', custom: { attrname: 1512543600000 } });
    const rule = (s.sdkData.flags['test-after-lower'].rules as { clauses: { values: unknown[] }[] }[])[0];
    expect(rule.clauses[0].values).toEqual([1512543600000]);

    expect(substitute('a: "<X>"\nb: "<X> and <Y>"\nc: <Z>\nd: "<U>"', { X: 99, Y: 'why', Z: { k: [1, '<'] } })).toBe(
      'a: 99\nb: "99 and why"\nc: {"k":[1,"<"]}\nd: "<U>"',
    );
    expect(substitute('a: "\\u003cX\\u003e"', { X: true })).toBe('a: true');
  });

  it('constants pass again after the parameters, so parameter values can name constants', () => {
    const [first] = ofFile('segment-recursion.yml');
    expect(first.params?.EXPECT).toBe('<IS_MATCH>');
    expect(first.evaluations[0].expect).toEqual(IS_MATCH);
    // errors.yml: a constant (MALFORMED_FLAG_RESULT) holds a parameter placeholder (<TYPE_DEFAULT>).
    const intSuite = ofFile('errors.yml').find((x) => x.name === 'evaluation failures (int)')!;
    expect(intSuite.evaluations.find((e) => e.name === 'off variation too low')!.expect).toEqual({
      value: -1,
      reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
    });
  });

  it('undefined placeholders stay literal strings', () => {
    const bad = ofFile('operators-date-bad-syntax.yml')[0];
    expect(
      bad.evaluations.some((e) => JSON.stringify(e.context) === '{"key":"user-key","custom":{"attrname":"<VALUE2>"}}'),
    ).toBe(true);
    expect(ofFile('json-variations.yml')[0].evaluations[0].default).toBe('<TYPE_DEFAULT>');
    const rec = ofFile('segment-recursion.yml')[0];
    expect(rec.sdkData.segments['recursive-segment-2'].rules).toEqual([
      { clauses: [{ op: 'segmentMatch', values: ['<RECURSIVE_SEGMENT_2_USES>'] }] },
    ]);
    expect(ofFile('rule-match.yml')[0].name).toBe('rule match (<TYPE_NAME>)');
  });

  it('YAML 1.2 core schema: `on` stays a string key; dates and yes/no stay strings', () => {
    expect(parseLdYaml('on: true\noff: yes\nd: 2017-12-06\nn: null\nt: True')).toEqual({
      on: true,
      off: 'yes',
      d: '2017-12-06',
      n: null,
      t: true,
    });
    for (const s of suites) {
      for (const [key, flag] of Object.entries(s.sdkData.flags)) {
        expect(Object.keys(flag).filter((k) => k === 'true' || k === 'false')).toEqual([]);
        if ('on' in flag) expect([key, typeof flag.on]).toEqual([key, 'boolean']);
      }
    }
    expect(ofFile('errors-wrong-type.yml')[0].sdkData.flags['flag-with-bool-value']).toEqual({
      key: 'flag-with-bool-value',
      version: 1,
      on: false,
      offVariation: 0,
      variations: [true],
      ...NO_LISTS,
    });
  });

  it('merge keys (<<: *anchor) are applied, including inside list items', () => {
    const flag = ofFile('operators-date-unequal.yml')[0].sdkData.flags['test-after-higher'];
    expect(flag).toEqual({
      key: 'test-after-higher',
      version: 1,
      on: true,
      fallthrough: { variation: 1 },
      variations: [true, false],
      prerequisites: [],
      targets: [],
      contextTargets: [],
      rules: [
        {
          id: 'ruleid',
          variation: 0,
          clauses: [{ attribute: 'attrname', op: 'after', values: ['2017-12-06T00:01:01.000-07:00'] }],
        },
      ],
    });
    expect(parseLdYaml('a: &a {x: 1, y: 1}\nb: {<<: *a, y: 2}')).toEqual({ a: { x: 1, y: 1 }, b: { x: 1, y: 2 } });
  });

  it('normalises sdkData like the harness round trip: key, version, unknown properties dropped, lists written', () => {
    const seg = ofFile('segment-recursion.yml')[0].sdkData.segments['segment-requiring-either-of-two-segments'];
    // upstream typo `clauss:` -> the second rule has no clauses after the harness round trip
    expect(seg).toEqual({
      ...NO_SEGMENT_LISTS,
      key: 'segment-requiring-either-of-two-segments',
      version: 1,
      rules: [{ clauses: [{ op: 'segmentMatch', values: ['segment-with-rule-a'] }] }, { clauses: [] }],
    });
    const [s] = loadFileText(
      'x.yml',
      [
        'name: n',
        'sdkData:',
        '  flags:',
        '    f1: { version: 0, on: true, variations: [1], description: gone, rules: [ { id: r, bogus: 1, ' +
          'rollout: { variations: [ { variation: 0, weight: 1, extra: 2 } ], junk: 3 } } ] }',
        '    f2: { key: other, version: 7, variations: [ { nested: { description: kept } } ], targets: null, ' +
          'fallthrough: { rollout: { variations: [] } } }',
        '    f3: { fallthrough: { variation: 1, rollout: { bucketBy: x } }, rules: [ { clauses: [ { attribute: a, op: in } ] } ] }',
        '  segments:',
        '    s1: { included: [a], name: gone, includedContexts: [ { contextKind: org, values: [b], x: 1 } ] }',
        'evaluations:',
        '  - { flagKey: f1, context: { key: k }, expect: { value: 1, variationIndex: 0, ' +
          'reason: { kind: FALLTHROUGH, inExperiment: false, bigSegmentsStatus: HEALTHY } } }',
      ].join('\n'),
    );
    expect(s.sdkData).toEqual({
      flags: {
        f1: {
          key: 'f1',
          version: 1,
          on: true,
          variations: [1],
          ...NO_LISTS,
          rules: [{ id: 'r', clauses: [], rollout: { variations: [{ variation: 0, weight: 1 }] } }],
        },
        // a rollout without weighted variations is not written
        f2: { key: 'f2', version: 7, variations: [{ nested: { description: 'kept' } }], ...NO_LISTS, fallthrough: {} },
        f3: {
          key: 'f3',
          version: 1,
          variations: [],
          ...NO_LISTS,
          fallthrough: { variation: 1 },
          rules: [{ clauses: [{ attribute: 'a', op: 'in', values: [] }] }],
        },
      },
      segments: {
        s1: {
          key: 's1',
          version: 1,
          ...NO_SEGMENT_LISTS,
          included: ['a'],
          includedContexts: [{ contextKind: 'org', values: ['b'] }],
        },
      },
    });
    expect(s.evaluations[0]).toEqual({
      name: 'f1',
      flagKey: 'f1',
      context: { key: 'k' },
      expect: { value: 1, variationIndex: 0, reason: { kind: 'FALLTHROUGH' } },
    });
  });

  it('default and valueType follow README §5', () => {
    const [s] = loadFileText(
      'x.yml',
      [
        'name: n',
        'sdkData:',
        '  flags:',
        '    b: { variations: [true] }',
        '    n: { variations: [1.5] }',
        '    s: { variations: ["a"] }',
        '    j: { variations: [{a: 1}] }',
        'evaluations:',
        '  - { flagKey: b, context: {key: k}, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: n, context: {key: k}, default: null, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: s, context: {key: k}, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: j, context: {key: k}, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: missing, context: {key: k}, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: b, context: {key: k}, default: 2.5, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: b, context: {key: k}, default: 3, valueType: any, expect: { value: 1, reason: { kind: OFF } } }',
        '  - { flagKey: b, context: {key: k}, default: [1], expect: { value: 1, reason: { kind: OFF } } }',
      ].join('\n'),
    );
    expect(s.evaluations.map((e) => [effectiveDefault(s, e), effectiveValueType(s, e)])).toEqual([
      [false, 'bool'],
      [0, 'int'],
      ['', 'string'],
      [null, 'any'],
      [null, 'any'],
      [2.5, 'double'],
      [3, 'any'],
      [[1], 'any'],
    ]);
  });

  it('only errors-wrong-type.yml needs strongly-typed and skips the all-flags check', () => {
    const typed = suites.filter((s) => s.requireCapability !== undefined);
    expect(typed.map((s) => [s.file, s.requireCapability, s.skipEvaluateAllFlags])).toEqual([
      ['errors-wrong-type.yml', 'strongly-typed', true],
    ]);
    expect(suites.filter((s) => s.skipEvaluateAllFlags)).toHaveLength(1);
  });
});
