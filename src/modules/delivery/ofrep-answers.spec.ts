import { evaluateFlag, FlagStore, parseContext, type Context, type SdkFlag } from '../../core/evaluation';
import { NO_VARIATION } from '../../core/insights/evaluation-tally';
import { OfrepAnswers } from './ofrep-answers';
import { ofrepResult } from './ofrep-mapping';

const flag = (key: string, over: Partial<SdkFlag> = {}): SdkFlag => ({
  key,
  version: 3,
  on: true,
  salt: key,
  variations: [true, false],
  fallthrough: { variation: 0 },
  offVariation: 1,
  ...over,
});
const split = {
  rollout: {
    variations: [
      { variation: 0, weight: 50000 },
      { variation: 1, weight: 50000 },
    ],
  },
};

/** Every reason kind OFREP maps, and the error entries a bulk answer can hold. */
const FLAGS: SdkFlag[] = [
  flag('static'),
  flag('off', { on: false }),
  flag('off-no-variation', { on: false, offVariation: undefined }),
  flag('json-values', { variations: [{ a: [1, 'x"y'] }, null, 'é\u2028'], fallthrough: { variation: 0 } }),
  flag('fallthrough-split', { fallthrough: split }),
  flag('targets', { targets: [{ values: ['u1', 'u3'], variation: 1 }] }),
  flag('rule-fixed', {
    rules: [{ id: 'r0', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'], negate: false }], variation: 1 }],
  }),
  flag('rule-split', {
    rules: [{ id: 'r0', clauses: [{ attribute: 'plan', op: 'in', values: ['free'], negate: false }], ...split }],
  }),
  flag('prerequisite', { prerequisites: [{ key: 'off', variation: 0 }] }),
  flag('malformed', { fallthrough: { variation: 7 } }),
  flag('malformed-rule', {
    rules: [{ id: 'r0', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'], negate: false }], variation: 9 }],
  }),
];

const context = (key: string, plan: string): Context => {
  const parsed = parseContext({ kind: 'user', key, plan });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.context;
};
const CONTEXTS = Array.from({ length: 40 }, (_, i) => context(`u${i}`, ['pro', 'free', 'team'][i % 3]));

/** What the service serialised before the table: the result objects through JSON.stringify. */
function expectedEntry(store: FlagStore, key: string, ctx: Context): string {
  const detail = evaluateFlag(store, key, ctx);
  const r = ofrepResult(key, detail, store.rawFlag(key));
  return JSON.stringify(r.ok ? r.body : { key, errorCode: r.error.errorCode, errorDetails: r.error.errorDetails });
}

describe('OfrepAnswers', () => {
  const store = FlagStore.from({ flags: Object.fromEntries(FLAGS.map((f) => [f.key, f])), segments: {} });

  it('gives a bulk body byte-identical to JSON.stringify of the result objects, context after context', () => {
    const answers = new OfrepAnswers(store, 42n);
    const reasons = new Set<string>();
    for (const ctx of CONTEXTS) {
      const entries = answers.keys.map((k) => expectedEntry(store, k, ctx));
      for (const e of entries) {
        const parsed = JSON.parse(e) as { reason?: string; errorCode?: string };
        reasons.add(parsed.reason ?? parsed.errorCode ?? '?');
      }
      // Twice: the first builds the fragments, the second reads them back.
      for (let round = 0; round < 2; round++)
        expect(answers.bulk(ctx).body).toBe(`{"flags":[${entries.join(',')}],"metadata":{"revision":42}}`);
    }
    expect([...reasons].sort()).toEqual(['DISABLED', 'GENERAL', 'SPLIT', 'STATIC', 'TARGETING_MATCH']);
  });

  it('reports the variation each flag served, NO_VARIATION when none', () => {
    const answers = new OfrepAnswers(store, 1n);
    const ctx = CONTEXTS[1];
    const { served } = answers.bulk(ctx);
    expect(served).toEqual(answers.keys.map((k) => evaluateFlag(store, k, ctx).variationIndex ?? NO_VARIATION));
    expect(served[answers.keys.indexOf('off-no-variation')]).toBe(NO_VARIATION);
  });

  it('gives a single success body byte-identical to the result object, and none for an error', () => {
    const answers = new OfrepAnswers(store, 1n);
    for (const ctx of CONTEXTS)
      for (const key of answers.keys) {
        const detail = evaluateFlag(store, key, ctx);
        const r = ofrepResult(key, detail, store.rawFlag(key));
        const single = answers.single(key, detail);
        if (r.ok) expect(single).toBe(JSON.stringify(r.body));
        else expect(single).toBeUndefined();
      }
    expect(answers.single('missing', evaluateFlag(store, 'missing', CONTEXTS[0]))).toBeUndefined();
  });

  it('serves what the store holds when the table was built, not a later change', () => {
    const s = FlagStore.from({ flags: { f: flag('f') }, segments: {} });
    const before = new OfrepAnswers(s, 1n);
    s.upsertFlag(flag('f', { version: 4, fallthrough: { variation: 1 } }));
    const after = new OfrepAnswers(s, 2n);
    expect(before.bulk(CONTEXTS[0]).body).toContain('"value":true');
    expect(after.bulk(CONTEXTS[0]).body).toBe(
      '{"flags":[{"key":"f","reason":"STATIC","metadata":{"version":4},"value":false,"variant":"1"}],"metadata":{"revision":2}}',
    );
  });
});
