import type { Clause, FlagDefinition, FlagEnvironmentConfig, Rule } from '../model/flag-config';

/**
 * "Would the audience see it?": a release plan moves the fallthrough towards one variation, which
 * users see only if the flag is on and no rule catches everyone first. Starting a plan that would
 * report `completed` while users see no change is refused with one of these reasons.
 */
export type AudienceRefusalKind = 'flag_off' | 'shadowed_by_rule' | 'already_served';

export interface AudienceRefusal {
  kind: AudienceRefusalKind;
  reason: string;
}

const STRING_OPS_MATCHING_EMPTY = new Set(['startsWith', 'endsWith', 'contains']);

/**
 * A clause every context of its kind satisfies: a negated clause with no values (not in {}), or one
 * on `key` (which every context has) that an empty prefix/suffix/substring or `.*` matches. Other
 * clauses depend on attributes some contexts lack, so they are not called "everyone".
 */
export function clauseMatchesEveryone(c: Clause): boolean {
  if (c.op === 'segmentMatch') return c.negate && c.values.length === 0;
  if (c.negate) return c.values.length === 0;
  if (c.attribute !== 'key') return false;
  if (STRING_OPS_MATCHING_EMPTY.has(c.op)) return c.values.includes('');
  if (c.op === 'matches') return c.values.some((v) => v === '' || v === '.*' || v === '^.*$' || v === '^');
  return false;
}

/** A rule with no clauses, or only clauses everyone satisfies (and all on one context kind). */
export function ruleMatchesEveryone(rule: Rule): boolean {
  const kinds = new Set(rule.clauses.map((c) => c.contextKind ?? 'user'));
  return kinds.size <= 1 && rule.clauses.every(clauseMatchesEveryone);
}

/**
 * Why releasing `variationId` through the fallthrough in `envKey` would change nothing users see,
 * or null if they would see it. `turnFlagOn`: the phase turns the flag on itself, so "off" is fine.
 * An unknown variation is left to the write path's own validation (null here).
 */
export function audienceRefusal(
  def: Pick<FlagDefinition, 'variations'>,
  config: Pick<FlagEnvironmentConfig, 'on' | 'fallthrough' | 'rules'>,
  variationId: string,
  envKey: string,
  turnFlagOn: boolean,
): AudienceRefusal | null {
  const target = def.variations.findIndex((v) => v._id === variationId);
  if (target < 0) return null;
  if (!config.on && !turnFlagOn)
    return {
      kind: 'flag_off',
      reason:
        `the flag is off in '${envKey}': everyone gets the off variation whatever the fallthrough serves ` +
        '(turn it on first, or give the phase turnFlagOn)',
    };
  const shadow = config.rules.findIndex(ruleMatchesEveryone);
  if (shadow >= 0)
    return {
      kind: 'shadowed_by_rule',
      reason: `rule ${shadow + 1} (${config.rules[shadow]._id}) in '${envKey}' matches every context before the fallthrough is reached`,
    };
  if (config.on && !config.fallthrough.rollout && config.fallthrough.variation === target)
    return {
      kind: 'already_served',
      reason: `the fallthrough in '${envKey}' already serves variation '${variationId}' to everyone it reaches`,
    };
  return null;
}
