import type { SdkFlag } from '../../core/evaluation';
import { OfrepError, isContextIndependent, ldContextFromOfrep, ofrepReason } from './ofrep-mapping';

const flag = (over: Partial<SdkFlag> = {}): SdkFlag => ({
  key: 'f',
  version: 1,
  on: true,
  variations: [true, false],
  fallthrough: { variation: 0 },
  ...over,
});

describe('isContextIndependent', () => {
  it.each([
    ['off, whatever its targeting', flag({ on: false, rules: [{ id: 'r', clauses: [], variation: 1 }] }), true],
    ['on with a fixed fallthrough and nothing else', flag(), true],
    [
      'a rollout fallthrough',
      flag({ fallthrough: { rollout: { variations: [{ variation: 0, weight: 100000 }] } } }),
      false,
    ],
    ['a rule', flag({ rules: [{ id: 'r', clauses: [], variation: 1 }] }), false],
    ['user targets', flag({ targets: [{ values: ['a'], variation: 1 }] }), false],
    ['a prerequisite', flag({ prerequisites: [{ key: 'p', variation: 0 }] }), false],
  ])('%s', (_name, f, expected) => {
    expect(isContextIndependent(f)).toBe(expected);
  });
});

describe('ldContextFromOfrep', () => {
  it('makes targetingKey the key and kind (default user) the kind', () => {
    expect(ldContextFromOfrep({ context: { targetingKey: 'u1', plan: 'pro' } })).toEqual({
      kind: 'user',
      key: 'u1',
      plan: 'pro',
    });
    expect(ldContextFromOfrep({ context: { targetingKey: 'o1', kind: 'org' } })).toEqual({ kind: 'org', key: 'o1' });
  });

  it('keeps the attributes in their order, then kind and key (the ETag hashes this JSON)', () => {
    const body = JSON.parse(
      '{"context":{"b":1,"key":"k","targetingKey":"t","kind":"org","a":[2],"__proto__":{"x":1}}}',
    );
    const context = ldContextFromOfrep(body);
    expect(JSON.stringify(context)).toBe('{"b":1,"key":"t","a":[2],"__proto__":{"x":1},"kind":"org"}');
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
  });

  it('accepts 200 attributes besides targetingKey and kind, not 201', () => {
    const attrs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, i]));
    expect(
      Object.keys(ldContextFromOfrep({ context: { targetingKey: 't', kind: 'user', ...attrs(200) } })),
    ).toHaveLength(202);
    expect(() => ldContextFromOfrep({ context: { targetingKey: 't', ...attrs(201) } })).toThrow(
      'at most 200 context attributes',
    );
  });

  it.each([
    [[], 'PARSE_ERROR'],
    [{}, 'TARGETING_KEY_MISSING'],
    [{ context: 'x' }, 'INVALID_CONTEXT'],
    [{ context: { plan: 'pro' } }, 'TARGETING_KEY_MISSING'],
    [{ context: { targetingKey: 5 } }, 'INVALID_CONTEXT'],
    [{ context: { targetingKey: 'u', kind: 7 } }, 'INVALID_CONTEXT'],
  ])('refuses %j with %s', (body, code) => {
    expect(() => ldContextFromOfrep(body)).toThrow(OfrepError);
    try {
      ldContextFromOfrep(body);
    } catch (e) {
      expect((e as OfrepError).errorCode).toBe(code);
    }
  });
});

describe('ofrepReason', () => {
  const reason = (r: object) => r as never;
  it('maps LaunchDarkly reasons to OFREP ones, SPLIT for rollouts', () => {
    const rollout = { rollout: { variations: [{ variation: 0, weight: 100000 }] } };
    expect(ofrepReason(reason({ kind: 'OFF' }), flag())).toBe('DISABLED');
    expect(ofrepReason(reason({ kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' }), flag())).toBe('DISABLED');
    expect(ofrepReason(reason({ kind: 'TARGET_MATCH' }), flag())).toBe('TARGETING_MATCH');
    expect(
      ofrepReason(
        reason({ kind: 'RULE_MATCH', ruleIndex: 0 }),
        flag({ rules: [{ id: 'r', clauses: [], variation: 0 }] }),
      ),
    ).toBe('TARGETING_MATCH');
    expect(
      ofrepReason(
        reason({ kind: 'RULE_MATCH', ruleIndex: 0 }),
        flag({ rules: [{ id: 'r', clauses: [], ...rollout }] }),
      ),
    ).toBe('SPLIT');
    expect(ofrepReason(reason({ kind: 'FALLTHROUGH' }), flag())).toBe('STATIC');
    expect(ofrepReason(reason({ kind: 'FALLTHROUGH' }), flag({ fallthrough: rollout }))).toBe('SPLIT');
  });
});
