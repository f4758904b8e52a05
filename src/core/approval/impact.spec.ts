import { FlagStore, type SdkFlag } from '../evaluation';
import { previewImpact, type ImpactInput } from './impact';

const sdkFlag = (key: string, extra: Partial<SdkFlag> = {}): SdkFlag => ({
  key,
  version: 1,
  on: true,
  salt: 'salt',
  variations: [true, false],
  offVariation: 1,
  fallthrough: { variation: 1 },
  ...extra,
});
const store = (...flags: SdkFlag[]) =>
  FlagStore.from({ flags: Object.fromEntries(flags.map((f) => [f.key, f])), segments: {} });
const emailRule = (...suffixes: string[]) => ({
  id: 'r1',
  clauses: [{ attribute: 'email', op: 'endsWith', values: suffixes, negate: false }],
  variation: 0,
});

// banner serves true to emails matching its rule, else false (the fallthrough); the change adds @gantry.dev.
const bannerBefore = sdkFlag('banner', { rules: [emailRule('@acme.com')] });
const bannerAfter = sdkFlag('banner', { version: 2, rules: [emailRule('@acme.com', '@gantry.dev')] });
// checkout serves 'a' to everyone; the change rolls 'b' out to 100% and targets u3 with 'c'.
const checkoutBefore = sdkFlag('checkout', { variations: ['a', 'b', 'c'], fallthrough: { variation: 0 } });
const checkoutAfter = sdkFlag('checkout', {
  version: 2,
  variations: ['a', 'b', 'c'],
  fallthrough: {
    rollout: {
      variations: [
        { variation: 0, weight: 0 },
        { variation: 1, weight: 100000 },
        { variation: 2, weight: 0 },
      ],
    },
  },
  targets: [{ values: ['u3'], variation: 2 }],
});
const untouched = sdkFlag('untouched');

const contexts: ImpactInput['contexts'] = [
  { source: 'sample', context: { kind: 'user', key: 'alice', email: 'alice@acme.com' } },
  { source: 'sample', context: { kind: 'user', key: 'bob', email: 'bob@gantry.dev' } },
  { source: 'supplied', context: { kind: 'user', key: 'carol', email: 'carol@gantry.dev' } },
  { source: 'supplied', context: { key: 'u3' } }, // legacy user, no email
  {
    source: 'sample',
    context: { kind: 'multi', user: { key: 'dave', email: 'dave@gantry.dev' }, org: { key: 'acme' } },
  },
  { source: 'supplied', context: { kind: 'user' } }, // no key: invalid
  { source: 'sample', context: 42 }, // not an object: invalid
];

describe('previewImpact', () => {
  it('counts contexts that move between variations after a rule change; unchanged flags are listed empty', () => {
    const report = previewImpact({
      before: store(bannerBefore, untouched),
      after: store(bannerAfter, untouched),
      flagKeys: ['banner', 'untouched'],
      contexts,
    });
    expect(report).toEqual({
      contexts: { sample: 3, supplied: 2, invalid: 2 },
      // bob, carol and dave (the user part of the multi-kind context) now match the rule; alice already did; u3 has no email.
      changed: 3,
      flags: [
        {
          flagKey: 'banner',
          evaluated: 5,
          changed: 3,
          transitions: [
            {
              from: { variation: 1, value: false },
              to: { variation: 0, value: true },
              count: 3,
              examples: ['bob', 'carol', 'org:acme,user:dave'],
            },
          ],
        },
        { flagKey: 'untouched', evaluated: 5, changed: 0, transitions: [] },
      ],
    });
  });

  it('sorts transitions by count and caps examples; a context counts once however many flags changed', () => {
    const report = previewImpact({
      before: store(bannerBefore, checkoutBefore),
      after: store(bannerAfter, checkoutAfter),
      flagKeys: ['checkout', 'banner'],
      contexts,
      maxExamples: 2,
    });
    expect(report.changed).toBe(5);
    expect(report.flags[0]).toEqual({
      flagKey: 'checkout',
      evaluated: 5,
      changed: 5,
      transitions: [
        // Everyone falls through to the 100% rollout of 'b', except u3, now targeted with 'c'.
        { from: { variation: 0, value: 'a' }, to: { variation: 1, value: 'b' }, count: 4, examples: ['alice', 'bob'] },
        { from: { variation: 0, value: 'a' }, to: { variation: 2, value: 'c' }, count: 1, examples: ['u3'] },
      ],
    });
    expect(report.flags[1]?.transitions[0]?.examples).toEqual(['bob', 'carol']);
  });

  it('turning a flag off moves contexts to the off variation; a flag missing from both stores never changes', () => {
    const before = sdkFlag('f', { targets: [{ values: ['u1'], variation: 1 }], fallthrough: { variation: 0 } });
    const after = sdkFlag('f', {
      version: 2,
      on: false,
      offVariation: 0,
      targets: [{ values: ['u1'], variation: 1 }],
      fallthrough: { variation: 0 },
    });
    const report = previewImpact({
      before: store(before),
      after: store(after),
      flagKeys: ['f', 'missing'],
      contexts: [
        { source: 'supplied', context: { key: 'u1' } },
        { source: 'supplied', context: { key: 'u2' } },
      ],
    });
    // u1 was targeted with false and now gets the off variation, true; u2 fell through to true and still gets true.
    expect(report.flags[0]?.transitions).toEqual([
      { from: { variation: 1, value: false }, to: { variation: 0, value: true }, count: 1, examples: ['u1'] },
    ]);
    expect(report.flags[1]).toEqual({ flagKey: 'missing', evaluated: 2, changed: 0, transitions: [] });
    expect(report.changed).toBe(1);
  });

  it('orders equal counts by from variation, "no variation" first', () => {
    // Before: u1 targeted with 'c', u2 with 'b', and emails at @x hit a rule naming variation 9, which
    // does not exist (malformed: no variation, the default is served). After: everyone gets 'a'.
    const badRule = {
      id: 'bad',
      clauses: [{ attribute: 'email', op: 'endsWith', values: ['@x'], negate: false }],
      variation: 9,
    };
    const before = sdkFlag('f', {
      variations: ['a', 'b', 'c'],
      targets: [
        { values: ['u1'], variation: 2 },
        { values: ['u2'], variation: 1 },
      ],
      rules: [badRule],
      fallthrough: { variation: 0 },
    });
    const after = sdkFlag('f', { version: 2, variations: ['a', 'b', 'c'], fallthrough: { variation: 0 } });
    const added = sdkFlag('added', { variations: ['on', 'off'], fallthrough: { variation: 0 } });
    const report = previewImpact({
      before: store(before),
      after: store(after, added),
      flagKeys: ['f', 'added'],
      contexts: [
        { source: 'supplied', context: { key: 'u1' } },
        { source: 'supplied', context: { key: 'u2' } },
        { source: 'supplied', context: { key: 'u9', email: 'u9@x' } },
      ],
    });
    expect(report.flags).toEqual([
      {
        flagKey: 'f',
        evaluated: 3,
        changed: 3,
        // Input order is u1, u2, u9; sorted by from: null (u9), 1 (u2), 2 (u1).
        transitions: [
          { from: { variation: null, value: null }, to: { variation: 0, value: 'a' }, count: 1, examples: ['u9'] },
          { from: { variation: 1, value: 'b' }, to: { variation: 0, value: 'a' }, count: 1, examples: ['u2'] },
          { from: { variation: 2, value: 'c' }, to: { variation: 0, value: 'a' }, count: 1, examples: ['u1'] },
        ],
      },
      {
        // Not in the before store: no variation, the default (null) was served.
        flagKey: 'added',
        evaluated: 3,
        changed: 3,
        transitions: [
          {
            from: { variation: null, value: null },
            to: { variation: 0, value: 'on' },
            count: 3,
            examples: ['u1', 'u2', 'u9'],
          },
        ],
      },
    ]);
  });

  it('orders equal counts with the same from variation by to variation', () => {
    const before = sdkFlag('f', { variations: ['a', 'b', 'c'], fallthrough: { variation: 0 } });
    const after = sdkFlag('f', {
      version: 2,
      variations: ['a', 'b', 'c'],
      targets: [
        { values: ['u1'], variation: 2 },
        { values: ['u2'], variation: 1 },
      ],
      fallthrough: { variation: 0 },
    });
    const report = previewImpact({
      before: store(before),
      after: store(after),
      flagKeys: ['f'],
      contexts: [
        { source: 'sample', context: { key: 'u1' } },
        { source: 'sample', context: { key: 'u2' } },
      ],
    });
    expect(report.flags[0]?.transitions).toEqual([
      { from: { variation: 0, value: 'a' }, to: { variation: 1, value: 'b' }, count: 1, examples: ['u2'] },
      { from: { variation: 0, value: 'a' }, to: { variation: 2, value: 'c' }, count: 1, examples: ['u1'] },
    ]);
  });

  it('counts a new value at the same variation index as a change', () => {
    const before = sdkFlag('copy', { variations: ['Hello', 'Bye'], fallthrough: { variation: 0 } });
    const after = sdkFlag('copy', { version: 2, variations: ['Hi', 'Bye'], fallthrough: { variation: 0 } });
    const report = previewImpact({
      before: store(before),
      after: store(after),
      flagKeys: ['copy'],
      contexts: [{ source: 'sample', context: { key: 'u1' } }],
    });
    expect(report.flags[0]?.transitions).toEqual([
      { from: { variation: 0, value: 'Hello' }, to: { variation: 0, value: 'Hi' }, count: 1, examples: ['u1'] },
    ]);
    expect(report.changed).toBe(1);
  });

  it('keeps no examples when maxExamples is 0', () => {
    const report = previewImpact({
      before: store(bannerBefore),
      after: store(bannerAfter),
      flagKeys: ['banner'],
      contexts,
      maxExamples: 0,
    });
    expect(report.flags[0]?.transitions[0]).toMatchObject({ count: 3, examples: [] });
  });
});
