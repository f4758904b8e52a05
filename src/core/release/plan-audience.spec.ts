import type { Clause, Rule } from '../model/flag-config';
import { audienceRefusal, ruleMatchesEveryone } from './plan-audience';

const def = {
  variations: [
    { _id: 'v-old', value: 'old' },
    { _id: 'v-new', value: 'new' },
  ],
};
const clause = (c: Partial<Clause>): Clause => ({
  _id: 'c',
  attribute: 'key',
  op: 'in',
  values: ['a'],
  negate: false,
  ...c,
});
const rule = (clauses: Clause[]): Rule => ({ _id: 'r1', clauses, variation: 0, trackEvents: false });
const on = { on: true, fallthrough: { variation: 0 }, rules: [] as Rule[] };

describe('audienceRefusal', () => {
  it('lets a change everyone reaching the fallthrough would see through', () => {
    expect(audienceRefusal(def, on, 'v-new', 'production', false)).toBeNull();
    expect(audienceRefusal(def, { ...on, rules: [rule([clause({})])] }, 'v-new', 'production', false)).toBeNull();
  });

  it('refuses a flag that is off, naming the environment, unless the phase turns it on', () => {
    const off = { ...on, on: false };
    expect(audienceRefusal(def, off, 'v-new', 'production', false)).toMatchObject({
      kind: 'flag_off',
      reason: expect.stringContaining("the flag is off in 'production'"),
    });
    expect(audienceRefusal(def, off, 'v-new', 'production', true)).toBeNull();
    // Off and already on the target: turning it on is the change.
    expect(audienceRefusal(def, { ...off, fallthrough: { variation: 1 } }, 'v-new', 'production', true)).toBeNull();
  });

  it('refuses a rule that matches everyone before the fallthrough', () => {
    const r = audienceRefusal(def, { ...on, rules: [rule([])] }, 'v-new', 'staging', false);
    expect(r).toEqual({
      kind: 'shadowed_by_rule',
      reason: "rule 1 (r1) in 'staging' matches every context before the fallthrough is reached",
    });
  });

  it('refuses when the fallthrough already serves the variation', () => {
    expect(audienceRefusal(def, { ...on, fallthrough: { variation: 1 } }, 'v-new', 'staging', false)?.kind).toBe(
      'already_served',
    );
    // A rollout that includes it is still a change (to 100%).
    const rollout = {
      variations: [
        { variation: 0, weight: 50000 },
        { variation: 1, weight: 50000 },
      ],
    };
    expect(audienceRefusal(def, { ...on, fallthrough: { rollout } }, 'v-new', 'staging', false)).toBeNull();
  });

  it('leaves an unknown variation to the write path', () => {
    expect(audienceRefusal(def, { ...on, on: false }, 'nope', 'staging', false)).toBeNull();
  });
});

describe('ruleMatchesEveryone', () => {
  it.each<[string, Clause[], boolean]>([
    ['no clauses', [], true],
    ['negated empty list', [clause({ negate: true, values: [], attribute: 'country' })], true],
    ['key startsWith ""', [clause({ op: 'startsWith', values: [''] })], true],
    ['key matches .*', [clause({ op: 'matches', values: ['.*'] })], true],
    ['key in [a]', [clause({})], false],
    ['country startsWith ""', [clause({ op: 'startsWith', values: [''], attribute: 'country' })], false],
    ['negated segment match of nothing', [clause({ op: 'segmentMatch', negate: true, values: [] })], true],
    ['segment match', [clause({ op: 'segmentMatch', values: ['beta'] })], false],
    [
      'two context kinds',
      [clause({ op: 'matches', values: ['.*'] }), clause({ op: 'matches', values: ['.*'], contextKind: 'org' })],
      false,
    ],
  ])('%s → %s', (_, clauses, expected) => {
    expect(ruleMatchesEveryone(rule(clauses))).toBe(expected);
  });
});
