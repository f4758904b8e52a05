import {
  evaluateAll,
  evaluateFlag,
  evaluateTyped,
  FlagStore,
  parseContext,
  type Context,
  type SdkClause,
  type SdkFlag,
  type SdkSegment,
} from './index';

const ctx = (input: unknown): Context => {
  const r = parseContext(input);
  if (!r.ok) throw new Error(r.error);
  return r.context;
};
const user = ctx({ kind: 'user', key: 'u1', country: 'fr', tags: ['a', 'b'] });

const base = (key: string, extra: Partial<SdkFlag> = {}): SdkFlag => ({
  key,
  version: 1,
  on: true,
  variations: ['v0', 'v1', 'v2'],
  offVariation: 0,
  fallthrough: { variation: 1 },
  ...extra,
});
const storeOf = (flags: SdkFlag[], segments: SdkSegment[] = []) =>
  FlagStore.from({
    flags: Object.fromEntries(flags.map((f) => [f.key, f])),
    segments: Object.fromEntries(segments.map((s) => [s.key, s])),
  });
const evalOne = (f: SdkFlag, c = user, segments: SdkSegment[] = [], others: SdkFlag[] = []) =>
  evaluateFlag(storeOf([f, ...others], segments), f.key, c, 'default');
const always = { attribute: 'key', op: 'in', values: [''], negate: true };
const MALFORMED = { value: 'default', variationIndex: null, reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' } };

describe('evaluation order', () => {
  it('off: the off variation, or the default with reason OFF when there is none', () => {
    expect(evalOne(base('f', { on: false }))).toEqual({ value: 'v0', variationIndex: 0, reason: { kind: 'OFF' } });
    expect(evalOne(base('f', { on: false, offVariation: undefined }))).toEqual({
      value: 'default',
      variationIndex: null,
      reason: { kind: 'OFF' },
    });
    expect(evalOne(base('f', { on: false, offVariation: 7 }))).toEqual(MALFORMED);
  });

  it('targets before rules before fallthrough', () => {
    const f = base('f', {
      targets: [{ values: ['u1'], variation: 2 }],
      rules: [{ id: 'r', variation: 0, clauses: [always] }],
    });
    expect(evalOne(f).reason).toEqual({ kind: 'TARGET_MATCH' });
    expect(evalOne(f, ctx({ kind: 'user', key: 'u2' }))).toEqual({
      value: 'v0',
      variationIndex: 0,
      reason: { kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r' },
    });
    expect(evalOne(base('f'))).toEqual({ value: 'v1', variationIndex: 1, reason: { kind: 'FALLTHROUGH' } });
  });

  it('contextTargets: user entries defer to targets with the same variation', () => {
    const f = base('f', {
      targets: [{ values: ['u1'], variation: 2 }],
      contextTargets: [
        { contextKind: 'org', values: ['o1'], variation: 0 },
        { contextKind: 'user', values: [], variation: 2 },
      ],
    });
    expect(evalOne(f).variationIndex).toBe(2);
    expect(evalOne(f, ctx({ kind: 'multi', user: { key: 'u1' }, org: { key: 'o1' } })).variationIndex).toBe(0);
    // without the placeholder, `targets` is not consulted at all
    const noPlaceholder = base('f', {
      targets: [{ values: ['u1'], variation: 2 }],
      contextTargets: [{ contextKind: 'org', values: ['o1'], variation: 0 }],
    });
    expect(evalOne(noPlaceholder).reason).toEqual({ kind: 'FALLTHROUGH' });
  });

  it('omits ruleId when the rule has none; a rule without clauses never matches, [] always does', () => {
    expect(evalOne(base('f', { rules: [{ variation: 0, clauses: [] }] })).reason).toEqual({
      kind: 'RULE_MATCH',
      ruleIndex: 0,
    });
    expect(evalOne(base('f', { rules: [{ id: 'x', variation: 0 }] })).reason).toEqual({ kind: 'FALLTHROUGH' });
  });

  it('invalid variation indexes and missing fallthrough are malformed', () => {
    expect(evalOne(base('f', { fallthrough: { variation: 3 } }))).toEqual(MALFORMED);
    expect(evalOne(base('f', { fallthrough: { variation: -1 } }))).toEqual(MALFORMED);
    expect(evalOne(base('f', { fallthrough: { variation: 0.5 } }))).toEqual(MALFORMED);
    expect(evalOne(base('f', { fallthrough: undefined }))).toEqual(MALFORMED);
    expect(evalOne(base('f', { fallthrough: { rollout: { variations: [] } } }))).toEqual(MALFORMED);
  });
});

describe('clauses', () => {
  const rule = (clause: object) => base('f', { rules: [{ id: 'r', variation: 0, clauses: [clause as SdkClause] }] });
  const matches = (clause: object, c = user) => evalOne(rule(clause), c).reason.kind === 'RULE_MATCH';

  it('a missing attribute or kind is false even when negated', () => {
    expect(matches({ attribute: 'missing', op: 'in', values: ['x'], negate: true })).toBe(false);
    expect(matches({ contextKind: 'org', attribute: 'key', op: 'in', values: ['x'], negate: true })).toBe(false);
    expect(matches({ attribute: 'country', op: 'in', values: ['de'], negate: true })).toBe(true);
  });

  it('an array attribute matches when any element does', () => {
    expect(matches({ attribute: 'tags', op: 'in', values: ['b'] })).toBe(true);
    expect(matches({ attribute: 'tags', op: 'in', values: ['c'] })).toBe(false);
  });

  it('kind matches the kinds of the context', () => {
    const multi = ctx({ kind: 'multi', user: { key: 'u' }, org: { key: 'o' } });
    expect(matches({ attribute: 'kind', op: 'in', values: ['org'] }, multi)).toBe(true);
    expect(matches({ attribute: 'kind', op: 'in', values: ['device'] }, multi)).toBe(false);
  });

  it('an unknown operator never matches, so its negation does', () => {
    expect(matches({ attribute: 'country', op: 'bogus', values: ['fr'] })).toBe(false);
    expect(matches({ attribute: 'country', op: 'bogus', values: ['fr'], negate: true })).toBe(true);
  });

  it('an invalid attribute reference is MALFORMED_FLAG', () => {
    expect(evalOne(rule({ contextKind: 'user', attribute: '//', op: 'in', values: ['x'] }))).toEqual(MALFORMED);
    expect(evalOne(rule({ op: 'in', values: ['x'] }))).toEqual(MALFORMED);
  });

  it('like the SDK, an erroring clause followed by a matching one does not stop the rule', () => {
    const bad = { contextKind: 'user', attribute: '//', op: 'in', values: ['x'] };
    const f = (clauses: object[]) => base('f', { rules: [{ id: 'r', variation: 0, clauses: clauses as SdkClause[] }] });
    expect(evalOne(f([bad, always])).reason).toEqual({ kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r' });
    expect(evalOne(f([always, bad]))).toEqual(MALFORMED);
    expect(evalOne(f([bad, { ...always, negate: false }])).reason).toEqual({ kind: 'FALLTHROUGH' });
  });
});

describe('prerequisites', () => {
  const prereq = (key: string, variation: number) => ({ key, variation });

  it('pass when the prerequisite is on and serves the required variation', () => {
    const p = base('p', { fallthrough: { variation: 2 } });
    expect(evalOne(base('f', { prerequisites: [prereq('p', 2)] }), user, [], [p]).reason).toEqual({
      kind: 'FALLTHROUGH',
    });
    expect(evalOne(base('f', { prerequisites: [prereq('p', 1)] }), user, [], [p])).toEqual({
      value: 'v0',
      variationIndex: 0,
      reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' },
    });
  });

  it('an off prerequisite fails even when its off variation is the required one', () => {
    const p = base('p', { on: false, offVariation: 2 });
    expect(evalOne(base('f', { prerequisites: [prereq('p', 2)] }), user, [], [p]).reason).toEqual({
      kind: 'PREREQUISITE_FAILED',
      prerequisiteKey: 'p',
    });
  });

  it('a missing prerequisite fails; with no off variation the default is served', () => {
    expect(evalOne(base('f', { offVariation: undefined, prerequisites: [prereq('nope', 0)] }))).toEqual({
      value: 'default',
      variationIndex: null,
      reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'nope' },
    });
  });

  it('cycles are MALFORMED_FLAG, and a deeper error propagates', () => {
    const a = base('a', { prerequisites: [prereq('b', 1)] });
    const b = base('b', { prerequisites: [prereq('a', 1)] });
    expect(evaluateFlag(storeOf([a, b]), 'a', user, 'default')).toEqual(MALFORMED);
    expect(evaluateFlag(storeOf([a, b]), 'b', user, 'default')).toEqual(MALFORMED);
    expect(evalOne(base('self', { prerequisites: [prereq('self', 1)] }))).toEqual(MALFORMED);
  });

  it('like the SDK, a later prerequisite failure replaces a cycle error', () => {
    // self -> [self (cycle), missing]: the cycle is noted, then `missing` fails.
    const f = base('self', { prerequisites: [prereq('self', 1), prereq('missing', 0)] });
    // top level: self is evaluated as its own prerequisite, where the inner result is
    // PREREQUISITE_FAILED(missing) with the off variation 0, which is not the required 1.
    expect(evalOne(f).reason).toEqual({ kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'self' });
  });
});

describe('segments', () => {
  const segRule = (...keys: string[]) =>
    base('f', { rules: [{ id: 'r', variation: 0, clauses: [{ attribute: '', op: 'segmentMatch', values: keys }] }] });
  const member = (segments: SdkSegment[], c = user, keys = ['s']) =>
    evalOne(segRule(...keys), c, segments).reason.kind === 'RULE_MATCH';
  const seg = (extra: Partial<SdkSegment>, key = 's'): SdkSegment => ({ key, version: 1, ...extra });

  it('included beats excluded beats rules', () => {
    expect(member([seg({ included: ['u1'], excluded: ['u1'] })])).toBe(true);
    expect(member([seg({ excluded: ['u1'], rules: [{ clauses: [always] }] })])).toBe(false);
    expect(member([seg({ rules: [{ clauses: [always] }] })])).toBe(true);
    expect(
      member([seg({ includedContexts: [{ contextKind: 'org', values: ['o1'] }] })], ctx({ kind: 'org', key: 'o1' })),
    ).toBe(true);
  });

  it('a weighted rule includes by bucket (segment3/salty vectors: 14950 and 36563)', () => {
    const s = seg({ key: 'segment3', salt: 'salty', rules: [{ clauses: [always], weight: 20000 }] }, 'segment3');
    expect(member([s], ctx({ kind: 'user', key: 'user-key' }), ['segment3'])).toBe(true);
    expect(member([s], ctx({ kind: 'user', key: 'unmatching-key' }), ['segment3'])).toBe(false);
  });

  it('unknown segments are non-members; recursion is MALFORMED_FLAG', () => {
    expect(member([], user, ['none'])).toBe(false);
    const s1 = seg({ rules: [{ clauses: [{ op: 'segmentMatch', values: ['s2'] }] }] }, 's1');
    const s2 = seg({ rules: [{ clauses: [{ op: 'segmentMatch', values: ['s1'] }] }] }, 's2');
    expect(evalOne(segRule('s1'), user, [s1, s2])).toEqual(MALFORMED);
  });

  it('big segments: no store, so NOT_CONFIGURED and only the rules decide', () => {
    const big = seg({
      unbounded: true,
      generation: 1,
      included: ['u1'],
      rules: [{ clauses: [{ attribute: 'country', op: 'in', values: ['fr'] }] }],
    });
    const r = evalOne(segRule('s'), user, [big]);
    expect(r.reason).toEqual({ kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r', bigSegmentsStatus: 'NOT_CONFIGURED' });
    const other = ctx({ kind: 'user', key: 'u1', country: 'de' });
    expect(evalOne(segRule('s'), other, [big]).reason).toEqual({
      kind: 'FALLTHROUGH',
      bigSegmentsStatus: 'NOT_CONFIGURED',
    });
  });
});

describe('rollouts and experiments', () => {
  const rollout = (extra: object) =>
    base('hashKey', {
      salt: 'saltyA',
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 50000 },
            { variation: 1, weight: 50000 },
          ],
          ...extra,
        },
      },
    });
  const a = ctx({ kind: 'user', key: 'userKeyA' }); // bucket 0.42157
  const b = ctx({ kind: 'user', key: 'userKeyB' }); // bucket 0.67084

  it('picks the first entry whose cumulative weight exceeds the bucket', () => {
    expect(evalOne(rollout({}), a).variationIndex).toBe(0);
    expect(evalOne(rollout({}), b).variationIndex).toBe(1);
  });

  it('falls back to the last entry when weights do not reach 100%', () => {
    const f = base('hashKey', {
      salt: 'saltyA',
      fallthrough: {
        rollout: {
          variations: [
            { variation: 2, weight: 10000 },
            { variation: 0, weight: 10000 },
          ],
        },
      },
    });
    expect(evalOne(f, a).variationIndex).toBe(0);
  });

  it('experiments add inExperiment unless untracked or the context kind is missing', () => {
    expect(evalOne(rollout({ kind: 'experiment' }), a).reason).toEqual({ kind: 'FALLTHROUGH', inExperiment: true });
    expect(evalOne(rollout({ kind: 'rollout' }), a).reason).toEqual({ kind: 'FALLTHROUGH' });
    const untracked = base('hashKey', {
      salt: 'saltyA',
      fallthrough: { rollout: { kind: 'experiment', variations: [{ variation: 0, weight: 100000, untracked: true }] } },
    });
    expect(evalOne(untracked, a).reason).toEqual({ kind: 'FALLTHROUGH' });
    expect(evalOne(rollout({ kind: 'experiment', contextKind: 'org' }), a).reason).toEqual({ kind: 'FALLTHROUGH' });
  });

  it('experiments ignore bucketBy; an invalid bucketBy reference is malformed for rollouts', () => {
    const c = ctx({ kind: 'user', key: 'userKeyA', other: 'userKeyB' });
    expect(evalOne(rollout({ bucketBy: 'other' }), c).variationIndex).toBe(1);
    expect(evalOne(rollout({ kind: 'experiment', bucketBy: 'other' }), c).variationIndex).toBe(0);
    expect(evalOne(rollout({ bucketBy: '//', contextKind: 'user' }), c)).toEqual(MALFORMED);
  });

  it('seeds replace key and salt (userKeyA with seed 61 buckets to 0.09801)', () => {
    const f = base('hashKey', {
      salt: 'saltyA',
      fallthrough: {
        rollout: {
          seed: 61,
          variations: [
            { variation: 0, weight: 9802 },
            { variation: 1, weight: 90198 },
          ],
        },
      },
    });
    expect(evalOne(f, a).variationIndex).toBe(0);
  });
});

describe('evaluateAll and evaluateTyped', () => {
  it('evaluates every non-deleted flag, with null values when no variation is served', () => {
    const store = storeOf([base('a'), base('b', { on: false, offVariation: undefined }), base('c', { deleted: true })]);
    const all = evaluateAll(store, user);
    expect(Object.keys(all).sort()).toEqual(['a', 'b']);
    expect(all.a).toEqual({ value: 'v1', variationIndex: 1, reason: { kind: 'FALLTHROUGH' } });
    expect(all.b).toEqual({ value: null, variationIndex: null, reason: { kind: 'OFF' } });
  });

  it('copes with a flag named __proto__', () => {
    const all = evaluateAll(storeOf([base('__proto__')]), user);
    expect(Object.prototype.hasOwnProperty.call(all, '__proto__')).toBe(true);
  });

  it('returns WRONG_TYPE with the default when the JSON type differs', () => {
    const store = storeOf([base('s'), base('n', { variations: [1, 2.5] })]);
    expect(evaluateTyped(store, 's', user, true, 'bool')).toEqual({
      value: true,
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'WRONG_TYPE' },
    });
    expect(evaluateTyped(store, 's', user, 'x', 'string').value).toBe('v1');
    expect(evaluateTyped(store, 'n', user, 0, 'int').value).toBe(2.5); // Node does not tell ints from doubles
    expect(evaluateTyped(store, 'n', user, null, 'any').value).toBe(2.5);
    expect(evaluateTyped(store, 'missing', user, 1, 'string').reason).toEqual({
      kind: 'ERROR',
      errorKind: 'FLAG_NOT_FOUND',
    });
  });
});

describe('trace', () => {
  it('is absent unless asked for', () => {
    expect(evaluateFlag(storeOf([base('f')]), 'f', user)).not.toHaveProperty('trace');
  });

  it('records prerequisites, rules with each clause, segments and the rollout', () => {
    const p = base('p', { fallthrough: { variation: 2 } });
    const f = base('f', {
      prerequisites: [{ key: 'p', variation: 2 }],
      targets: [{ values: ['someone-else'], variation: 0 }],
      rules: [
        { id: 'r0', variation: 0, clauses: [{ attribute: 'country', op: 'in', values: ['de'] }] },
        {
          id: 'r1',
          clauses: [
            { attribute: 'country', op: 'in', values: ['fr'] },
            { op: 'segmentMatch', values: ['s'] },
          ],
          rollout: { kind: 'experiment', variations: [{ variation: 1, weight: 100000 }] },
        },
      ],
    });
    const s: SdkSegment = { key: 's', version: 1, included: ['u1'] };
    const r = evaluateFlag(storeOf([f, p], [s]), 'f', user, null, { trace: true });
    expect(r.reason).toEqual({ kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 'r1', inExperiment: true });
    const steps = r.trace!.map((t) => t.step);
    expect(steps).toEqual([
      'fallthrough',
      'prerequisite',
      'clause',
      'rule',
      'clause',
      'segment',
      'clause',
      'rule',
      'rollout',
    ]);
    const [, prereq, clause0, rule0, , segment, , rule1, rollout] = r.trace!;
    expect(prereq.detail).toMatchObject({
      flag: 'f',
      prerequisite: 'p',
      requiredVariation: 2,
      variationIndex: 2,
      passed: true,
    });
    expect(clause0.detail).toMatchObject({
      flag: 'f',
      ruleIndex: 0,
      clauseIndex: 0,
      attribute: 'country',
      op: 'in',
      contextValue: 'fr',
      result: 'no-match',
    });
    expect(rule0.detail).toMatchObject({ ruleIndex: 0, ruleId: 'r0', result: 'no-match' });
    expect(segment.detail).toMatchObject({ segment: 's', member: true, via: 'included' });
    expect(rule1.detail).toMatchObject({ ruleIndex: 1, result: 'match' });
    expect(rollout.detail).toMatchObject({ flag: 'f', kind: 'experiment', entry: 0, variation: 1, inExperiment: true });
    expect(typeof rollout.detail.bucket).toBe('number');
  });

  it('records an off flag and a missing flag', () => {
    expect(evaluateFlag(storeOf([base('f', { on: false })]), 'f', user, null, { trace: true }).trace).toEqual([
      { step: 'off', detail: { flag: 'f', offVariation: 0 } },
    ]);
    expect(evaluateFlag(storeOf([]), 'nope', user, null, { trace: true }).trace).toEqual([]);
  });

  it('does not change results', () => {
    const f = base('f', {
      rules: [{ id: 'r', variation: 2, clauses: [{ attribute: 'tags', op: 'in', values: ['b'] }] }],
    });
    const store = storeOf([f]);
    const { trace, ...traced } = evaluateFlag(store, 'f', user, null, { trace: true });
    expect(trace!.length).toBeGreaterThan(0);
    expect(traced).toEqual(evaluateFlag(store, 'f', user, null));
  });
});
