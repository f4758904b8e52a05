import { evaluateAll, evaluateFlag, evaluateTyped, type SdkSegment } from './index';
import { ctx, user, base, storeOf, evalOne, MALFORMED } from '../../../test/support/fixtures/evaluation';

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
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(all, '__proto__')?.value).toEqual(
      evaluateFlag(storeOf([base('__proto__')]), '__proto__', user),
    );
  });

  it('keeps the store order of keys, and returns a fresh object each time', () => {
    const keys = ['zeta', 'alpha', 'mid', '__proto__', 'beta'];
    const store = storeOf(keys.map((k) => base(k)));
    const first = evaluateAll(store, user);
    expect(Object.keys(first)).toEqual(keys);
    first.zeta = first.alpha;
    delete first.mid;
    const second = evaluateAll(store, user);
    expect(Object.keys(second)).toEqual(keys);
    expect(second.zeta).toEqual({ value: 'v1', variationIndex: 1, reason: { kind: 'FALLTHROUGH' } });
  });

  it('follows flag upserts and deletes between calls', () => {
    const store = storeOf([base('a'), base('b')]);
    expect(Object.keys(evaluateAll(store, user))).toEqual(['a', 'b']);
    store.upsertFlag(base('c', { version: 1 }));
    store.deleteFlag('a', 99);
    const all = evaluateAll(store, user);
    expect(Object.keys(all)).toEqual(['b', 'c']);
    expect(all.c.variationIndex).toBe(1);
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
