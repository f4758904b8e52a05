import { canonicalJson } from '../audit/canonical-json';
import { evaluateFlag, parseContext, type FlagStore } from '../evaluation';

/**
 * What a change does to real contexts: every context is evaluated against the flags before and
 * after the change, and the moves between variations are counted. Contexts come from a sample of
 * recently seen contexts or are supplied by the reviewer; `source` only feeds the counts.
 */
export interface ImpactInput {
  before: FlagStore;
  after: FlagStore;
  flagKeys: string[];
  contexts: { source: 'sample' | 'supplied'; context: unknown }[];
  /** Example context keys kept per transition; default 5. */
  maxExamples?: number;
}

export interface ImpactTransition {
  from: { variation: number | null; value: unknown };
  to: { variation: number | null; value: unknown };
  count: number;
  /** Context keys (multi-kind: `kind:key` per kind, joined by ","), in input order, at most maxExamples. */
  examples: string[];
}

export interface FlagImpact {
  flagKey: string;
  evaluated: number;
  changed: number;
  /** Sorted by count (descending), then from and to variation (null first). */
  transitions: ImpactTransition[];
}

export interface ImpactReport {
  /** Valid contexts by source, and invalid ones (skipped): the three add up to the input count. */
  contexts: { sample: number; supplied: number; invalid: number };
  /** Contexts for which at least one flag changed variation or value. */
  changed: number;
  flags: FlagImpact[];
}

const DEFAULT_MAX_EXAMPLES = 5;

export function previewImpact(input: ImpactInput): ImpactReport {
  const maxExamples = Math.max(0, input.maxExamples ?? DEFAULT_MAX_EXAMPLES);
  const flagKeys = [...new Set(input.flagKeys)];
  const tallies = flagKeys.map(() => new Map<string, ImpactTransition>());
  const evaluated = flagKeys.map(() => 0);
  const counts = { sample: 0, supplied: 0, invalid: 0 };
  let changed = 0;

  for (const { source, context: raw } of input.contexts) {
    const parsed = parseContext(raw);
    if (!parsed.ok) {
      counts.invalid++;
      continue;
    }
    counts[source]++;
    const example = exampleKey(raw);
    let anyChanged = false;
    flagKeys.forEach((flagKey, i) => {
      evaluated[i]++;
      const from = outcome(evaluateFlag(input.before, flagKey, parsed.context));
      const to = outcome(evaluateFlag(input.after, flagKey, parsed.context));
      if (from.variation === to.variation && canonicalJson(from.value) === canonicalJson(to.value)) return;
      anyChanged = true;
      record(tallies[i], from, to, example, maxExamples);
    });
    if (anyChanged) changed++;
  }

  const flags = flagKeys.map((flagKey, i): FlagImpact => {
    const transitions = [...tallies[i].values()].sort(byCountThenVariation);
    return { flagKey, evaluated: evaluated[i], changed: transitions.reduce((sum, t) => sum + t.count, 0), transitions };
  });
  return { contexts: counts, changed, flags };
}

type Outcome = ImpactTransition['from'];

const outcome = (result: { variationIndex: number | null; value: unknown }): Outcome => ({
  variation: result.variationIndex,
  value: result.value,
});

function record(
  tally: Map<string, ImpactTransition>,
  from: Outcome,
  to: Outcome,
  example: string,
  maxExamples: number,
): void {
  const key = canonicalJson([from.variation, from.value, to.variation, to.value]);
  let transition = tally.get(key);
  if (transition === undefined) {
    transition = { from, to, count: 0, examples: [] };
    tally.set(key, transition);
  }
  transition.count++;
  if (transition.examples.length < maxExamples) transition.examples.push(example);
}

/** null (no variation: the default was served) sorts first. */
const rank = (variation: number | null) => (variation === null ? -1 : variation);

function byCountThenVariation(a: ImpactTransition, b: ImpactTransition): number {
  return (
    b.count - a.count || rank(a.from.variation) - rank(b.from.variation) || rank(a.to.variation) - rank(b.to.variation)
  );
}

/**
 * The key a reviewer recognises: `key` for a single-kind (or legacy user) context, `kind:key`
 * per kind for a multi-kind one. Only called on input parseContext accepted, so the shapes hold.
 */
function exampleKey(raw: unknown): string {
  const input = raw as Record<string, unknown>;
  if (input.kind !== 'multi') return String(input.key);
  return Object.keys(input)
    .filter((kind) => kind !== 'kind')
    .sort()
    .map((kind) => `${kind}:${String((input[kind] as Record<string, unknown>).key)}`)
    .join(',');
}
