import type {
  Clause,
  FlagDefinition,
  FlagEnvironmentConfig,
  SegmentConfig,
  Target,
  Variation,
  VariationOrRollout,
} from '../model/flag-config';
import { WEIGHT_TOTAL } from '../patch/limits';
import { compileKeyPattern, matchesKeyPattern } from './key-pattern';
import { coversEnvironment, type GuardrailEffect, type GuardrailPolicy, type GuardrailRule } from './policy';

/** One rule a change breaks: `block` findings refuse the write, `warn` ones travel with it. */
export interface GuardrailFinding {
  policy: string;
  rule: GuardrailRule['kind'];
  effect: GuardrailEffect;
  message: string;
  /** The environment an environment rule found it in (absent for content rules). */
  environment?: string;
}

export interface FlagEnvironmentChange {
  key: string;
  before: FlagEnvironmentConfig;
  after: FlagEnvironmentConfig;
}

export interface FlagChange {
  before: FlagDefinition;
  after: FlagDefinition;
  /** Whether the project-level part changed (content rules are checked only then). */
  flagChanged: boolean;
  /** The environments whose configuration the change touches. */
  environments: FlagEnvironmentChange[];
}

type RuleOf<K extends GuardrailRule['kind']> = Extract<GuardrailRule, { kind: K }>;

const finding = (policy: GuardrailPolicy, rule: GuardrailRule, message: string, environment?: string) => ({
  policy: policy.key,
  rule: rule.kind,
  effect: rule.effect,
  message,
  ...(environment !== undefined ? { environment } : {}),
});

/** Content rules over a flag definition (creation, or a flag-level change). */
function contentMessages(rule: GuardrailRule, flag: FlagDefinition, isNew: boolean): string[] {
  switch (rule.kind) {
    case 'flagKeyPattern': {
      if (!isNew) return [];
      const compiled = compileKeyPattern(rule.pattern);
      // Stored policies were validated; a pattern that no longer compiles blocks nothing.
      if ('error' in compiled || matchesKeyPattern(compiled, flag.key)) return [];
      return [`flag key '${flag.key}' does not match the pattern '${rule.pattern}'`];
    }
    case 'requiredTags': {
      const missing = rule.tags.filter((t) => !flag.tags.includes(t));
      return missing.length ? [`the flag must carry the tag(s) ${missing.map((t) => `'${t}'`).join(', ')}`] : [];
    }
    case 'requireMaintainer':
      return flag.maintainerId
        ? []
        : ['the flag must have a maintainer (maintainerId, or an updateMaintainer instruction)'];
    case 'temporaryNeedsRemovalDate':
      return flag.temporary && !flag.plannedRemovalDate
        ? ['a temporary flag must have a planned removal date (plannedRemovalDate, or updatePlannedRemovalDate)']
        : [];
    default:
      return [];
  }
}

/** What a flag is checked against when it is created: the content rules of every policy (a flag exists in every environment). */
export function checkFlagCreation(policies: readonly GuardrailPolicy[], flag: FlagDefinition): GuardrailFinding[] {
  return policies.flatMap((p) => p.rules.flatMap((r) => contentMessages(r, flag, true).map((m) => finding(p, r, m))));
}

/**
 * What a change to an existing flag breaks. Content rules are checked on flag-level changes only,
 * and not when the result is archived (retiring a non-compliant flag must stay possible).
 * Environment rules are checked in each touched environment the policy covers, and judge what the
 * change adds, not what was there before (an old violation does not block an unrelated change).
 */
export function checkFlagChange(policies: readonly GuardrailPolicy[], change: FlagChange): GuardrailFinding[] {
  const out: GuardrailFinding[] = [];
  for (const p of policies)
    for (const r of p.rules) {
      if (change.flagChanged && !change.after.archived)
        for (const m of contentMessages(r, change.after, false)) out.push(finding(p, r, m));
      for (const env of change.environments) {
        if (!coversEnvironment(p, env.key)) continue;
        for (const m of flagEnvironmentMessages(r, change.before, change.after, env))
          out.push(finding(p, r, m, env.key));
      }
    }
  return out;
}

function flagEnvironmentMessages(
  rule: GuardrailRule,
  beforeFlag: FlagDefinition,
  afterFlag: FlagDefinition,
  { before, after }: FlagEnvironmentChange,
): string[] {
  switch (rule.kind) {
    case 'maxRolloutIncrease':
      return rolloutIncreases(rule, beforeFlag, afterFlag, before, after);
    case 'maxClauseValues':
      return oversizedClauses(
        rule,
        before.rules.flatMap((x) => x.clauses),
        after.rules.flatMap((x) => x.clauses),
      );
    case 'forbidIndividualTargets': {
      const added = addedTargets(
        [...before.targets, ...before.contextTargets],
        [...after.targets, ...after.contextTargets],
      );
      return added.length ? [`individual targets are not allowed here (added: ${preview(added)})`] : [];
    }
    default:
      return [];
  }
}

/** Segment changes: the clause and individual-target rules, when the policy covers the segment's environment. */
export function checkSegmentChange(
  policies: readonly GuardrailPolicy[],
  envKey: string,
  before: SegmentConfig | null,
  after: SegmentConfig,
): GuardrailFinding[] {
  const out: GuardrailFinding[] = [];
  for (const p of policies) {
    if (!coversEnvironment(p, envKey)) continue;
    for (const r of p.rules) {
      let messages: string[] = [];
      if (r.kind === 'maxClauseValues')
        messages = oversizedClauses(
          r,
          (before?.rules ?? []).flatMap((x) => x.clauses),
          after.rules.flatMap((x) => x.clauses),
        );
      else if (r.kind === 'forbidIndividualTargets') {
        const keysOf = (s: SegmentConfig | null) => [
          ...(s?.included ?? []).map((v) => `included ${v}`),
          ...(s?.excluded ?? []).map((v) => `excluded ${v}`),
          ...(s?.includedContexts ?? []).flatMap((t) => t.values.map((v) => `included ${t.contextKind}:${v}`)),
          ...(s?.excludedContexts ?? []).flatMap((t) => t.values.map((v) => `excluded ${t.contextKind}:${v}`)),
        ];
        const had = new Set(keysOf(before));
        const added = keysOf(after).filter((k) => !had.has(k));
        if (added.length) messages = [`individual targets are not allowed here (added: ${preview(added)})`];
      }
      for (const m of messages) out.push(finding(p, r, m, envKey));
    }
  }
  return out;
}

export function splitFindings(findings: readonly GuardrailFinding[]) {
  return {
    blocks: findings.filter((f) => f.effect === 'block'),
    warnings: findings.filter((f) => f.effect === 'warn'),
  };
}

/** A clause over the limit that is new, or has more values than it had (matched by clause id). */
function oversizedClauses(rule: RuleOf<'maxClauseValues'>, before: Clause[], after: Clause[]): string[] {
  const had = new Map(before.map((c) => [c._id, c.values.length]));
  return after
    .filter((c) => c.values.length > rule.max && c.values.length > (had.get(c._id) ?? 0))
    .map(
      (c) =>
        `clause on '${c.attribute}' (${c.op}) has ${c.values.length} values; at most ${rule.max} are allowed per clause`,
    );
}

function addedTargets(before: Target[], after: Target[]): string[] {
  const keyOf = (t: Target, v: string) => `${t.contextKind ?? 'user'}:${v}`;
  const had = new Set(before.flatMap((t) => t.values.map((v) => keyOf(t, v))));
  return after.flatMap((t) => t.values.map((v) => keyOf(t, v))).filter((k) => !had.has(k));
}

const preview = (items: string[]) =>
  items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ');

/** Thousandths served to each variation (by its stable id); a fixed variation is all of the traffic. */
function distribution(serve: VariationOrRollout, variations: Variation[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (index: number, weight: number) => {
    const v = variations[index];
    if (v) out.set(v._id, (out.get(v._id) ?? 0) + weight);
  };
  if (serve.rollout) for (const wv of serve.rollout.variations) add(wv.variation, wv.weight);
  else if (serve.variation !== undefined && serve.variation !== null) add(serve.variation, WEIGHT_TOTAL);
  return out;
}

const variationLabel = (variations: Variation[], id: string) => {
  const v = variations.find((x) => x._id === id);
  return v?.name ? `'${v.name}'` : JSON.stringify(v?.value ?? id);
};

/**
 * How much each variation's share rises, in the fallthrough and in each rule (by rule id). A rule
 * that is new is compared with the fallthrough before the change: its contexts were served at most
 * that before (rules only take contexts from the fallthrough or from rules below them).
 *
 * Weights serve traffic only while the flag is on. So a flag that is off after the change rises
 * nothing (turning a flag off, the kill switch, is never refused), and a flag that was off is
 * compared with its off variation, which everyone was served: turning it on straight to 100% is a
 * rise of 100000, and a flag can be prepared while off and turned on at a small percentage.
 */
function rolloutIncreases(
  rule: RuleOf<'maxRolloutIncrease'>,
  beforeFlag: FlagDefinition,
  afterFlag: FlagDefinition,
  before: FlagEnvironmentConfig,
  after: FlagEnvironmentConfig,
): string[] {
  if (!after.on) return [];
  const wasOff = !before.on;
  const offServed = distribution(
    before.offVariation === null ? {} : { variation: before.offVariation },
    beforeFlag.variations,
  );
  const beforeFallthrough = wasOff ? offServed : distribution(before.fallthrough, beforeFlag.variations);
  const pairs: [string, Map<string, number>, Map<string, number>][] = [
    ['the fallthrough', beforeFallthrough, distribution(after.fallthrough, afterFlag.variations)],
  ];
  const beforeRules = new Map(before.rules.map((r) => [r._id, r]));
  after.rules.forEach((r, i) => {
    const old = beforeRules.get(r._id);
    const label = `rule ${i + 1}${r.description ? ` ('${r.description}')` : ''}${old ? '' : ' (new)'}`;
    pairs.push([
      label,
      old && !wasOff ? distribution(old, beforeFlag.variations) : beforeFallthrough,
      distribution(r, afterFlag.variations),
    ]);
  });
  const out: string[] = [];
  for (const [where, was, now] of pairs)
    for (const [id, weight] of now) {
      const rise = weight - (was.get(id) ?? 0);
      if (rise > rule.thousandths)
        out.push(
          `${where}: variation ${variationLabel(afterFlag.variations, id)} rises from ${was.get(id) ?? 0} to ` +
            `${weight} thousandths (+${rise}); at most +${rule.thousandths} per change`,
        );
    }
  return out;
}
