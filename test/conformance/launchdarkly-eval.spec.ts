/**
 * LaunchDarkly server-side evaluation conformance: every expanded case of the sdk-test-harness data
 * (../shared/conformance/launchdarkly-eval/, README §7) against src/core/evaluation. One `it` per
 * evaluation, titled `<file> › <suite name> › <evaluation name>`.
 *
 * Each case checks, like the harness:
 *  1. detail: value, variationIndex (absent in `expect` ⇔ null) and reason, exactly;
 *  2. unless the suite sets skipEvaluateAllFlags: the flag's value in evaluateAll (null when no
 *     variationIndex is expected).
 * Suites that require `strongly-typed` (errors-wrong-type.yml) are evaluated with evaluateTyped and
 * the README §5 value type. Every other case is evaluated untyped (evaluateFlag, as the Node SDK's
 * variation() does) and, because typed SDKs run the same data through their typed variation
 * methods, also with evaluateTyped and the README §5 value type.
 */
import {
  FlagStore,
  evaluateAll,
  evaluateFlag,
  evaluateIndex,
  evaluateTyped,
  lastReason,
  parseContext,
  type EvalDetail,
} from '../../src/core/evaluation';
import type { JsonValue } from '../../src/core/model/flag-config';
import {
  effectiveDefault,
  effectiveValueType,
  loadLdEvalSuites,
  type ExpectedDetail,
  type LdEvalSuite,
  type LdEvaluation,
} from './ld-eval-data';

/**
 * Cases that cannot be expressed against our evaluator by design, keyed by test title, with the
 * reason. Listed, never skipped silently; the table must stay small and name real cases.
 */
const EXCLUDED: Record<string, string> = {};
const MAX_EXCLUDED = 5;

interface Case {
  title: string;
  suite: LdEvalSuite;
  ev: LdEvaluation;
}

function buildCases(): Case[] {
  const suites = loadLdEvalSuites();
  const base = (s: LdEvalSuite, e: LdEvaluation) => `${s.file} › ${s.name} › ${e.name}`;
  const seen = new Map<string, number>();
  for (const s of suites) for (const e of s.evaluations) seen.set(base(s, e), (seen.get(base(s, e)) ?? 0) + 1);
  // Some parameter sets give the same names (e.g. a date compared with itself, where both flags of
  // the suite get the same name too); tell them apart by expansion and flag key.
  return suites.flatMap((suite) =>
    suite.evaluations.map((ev) => {
      const b = base(suite, ev);
      return { title: (seen.get(b) ?? 0) > 1 ? `${b} [expansion #${suite.index}, ${ev.flagKey}]` : b, suite, ev };
    }),
  );
}

/** The reason as it would go out in JSON: undefined properties are absent; anything else must match. */
function reasonJson(reason: unknown): unknown {
  if (typeof reason !== 'object' || reason === null) return reason;
  return Object.fromEntries(Object.entries(reason).filter(([, v]) => v !== undefined));
}

function wanted(expect: ExpectedDetail) {
  return { value: expect.value, variationIndex: expect.variationIndex ?? null, reason: expect.reason };
}

function actual(d: EvalDetail) {
  return { value: d.value, variationIndex: d.variationIndex, reason: reasonJson(d.reason) };
}

function describeCase(c: Case, defaultValue: JsonValue, valueType: string): string {
  const { suite, ev } = c;
  const flag = suite.sdkData.flags[ev.flagKey];
  const data = JSON.stringify(suite.sdkData);
  return [
    `flag ${ev.flagKey}: ${flag ? JSON.stringify(flag) : '(not in sdkData)'}`,
    data.length <= 2000
      ? `sdkData: ${data}`
      : `sdkData: ${data.length} chars, segments ${Object.keys(suite.sdkData.segments).join(', ') || '(none)'}`,
    `context: ${JSON.stringify(ev.context)}`,
    `default: ${JSON.stringify(defaultValue)}, valueType: ${valueType}`,
    suite.params ? `params: ${JSON.stringify(suite.params)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** toStrictEqual, with the case spelled out in the failure message. */
function check(what: string, got: unknown, want: unknown, info: () => string): void {
  try {
    expect(got).toStrictEqual(want);
  } catch (e) {
    if (e instanceof Error) e.message = `${what}\n${info()}\n\n${e.message}`;
    throw e;
  }
}

function runCase(c: Case): void {
  const { suite, ev } = c;
  const defaultValue = effectiveDefault(suite, ev);
  const valueType = effectiveValueType(suite, ev);
  const typedOnly = suite.requireCapability === 'strongly-typed';
  const info = () => describeCase(c, defaultValue, valueType);
  const want = wanted(ev.expect);

  const parsed = parseContext(ev.context);
  if (!parsed.ok) {
    // The SDK answers an invalid context with the default and USER_NOT_SPECIFIED (protocols.md §2.1);
    // its all-flags state is then empty, which matches only when no variationIndex is expected.
    const got = {
      value: defaultValue,
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'USER_NOT_SPECIFIED' },
    };
    check(`parseContext rejected the context (${parsed.error})`, got, want, info);
    return;
  }
  const context = parsed.context;
  const store = () => FlagStore.from(structuredClone(suite.sdkData));

  if (typedOnly) {
    check(
      `evaluateTyped(${valueType}) detail`,
      actual(evaluateTyped(store(), ev.flagKey, context, defaultValue, valueType)),
      want,
      info,
    );
  } else {
    check('evaluateFlag detail', actual(evaluateFlag(store(), ev.flagKey, context, defaultValue)), want, info);
    // The index-only form (OFREP bulk answers) serves the same variation for the same reason.
    const detail = evaluateFlag(store(), ev.flagKey, context, defaultValue);
    const index = evaluateIndex(store(), ev.flagKey, context);
    check(
      'evaluateIndex',
      { index, reason: lastReason() },
      { index: detail.variationIndex ?? -1, reason: detail.reason },
      info,
    );
    check(
      `evaluateTyped(${valueType}) detail`,
      actual(evaluateTyped(store(), ev.flagKey, context, defaultValue, valueType)),
      want,
      info,
    );
  }

  if (!suite.skipEvaluateAllFlags) {
    const all = evaluateAll(store(), context);
    const present = Object.prototype.hasOwnProperty.call(all, ev.flagKey);
    if (ev.expect.variationIndex !== undefined) check(`evaluateAll has ${ev.flagKey}`, present, true, info);
    const got = present ? all[ev.flagKey].value : null;
    check('evaluateAll value', got, ev.expect.variationIndex === undefined ? null : ev.expect.value, info);
  }
}

const cases = buildCases();

describe('LaunchDarkly server-side evaluation conformance', () => {
  it('covers all 728 evaluations, with a small, valid EXCLUDED table', () => {
    expect(cases).toHaveLength(728);
    const titles = new Set(cases.map((c) => c.title));
    expect(titles.size).toBe(cases.length);
    expect(Object.keys(EXCLUDED).length).toBeLessThanOrEqual(MAX_EXCLUDED);
    for (const [title, reason] of Object.entries(EXCLUDED)) {
      expect([title, titles.has(title)]).toEqual([title, true]);
      expect(reason.trim()).not.toBe('');
    }
  });

  for (const c of cases) {
    if (EXCLUDED[c.title] !== undefined) continue; // listed above with its reason; counted by the first test
    it(c.title, () => runCase(c));
  }
});
