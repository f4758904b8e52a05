import { evaluateFlag, type SdkClause, type SdkSegment } from './index';
import { ctx, user, base, storeOf, evalOne, always, MALFORMED } from '../../../test/support/fixtures/evaluation';

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
