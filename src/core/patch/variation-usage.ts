import { FlagDefinition, FlagEnvironmentConfig, Target, VariationOrRollout } from '../model/flag-config';
import { isUserEntry } from './flag-targets';

/**
 * Where a variation index is served, in words for the error message. A rollout entry counts only
 * with weight > 0 and a target entry only with keys: an empty placeholder or a 0% share serves nobody.
 */
export function variationUsages(
  flag: FlagDefinition,
  environments: Record<string, FlagEnvironmentConfig>,
  index: number,
): string[] {
  const usages: string[] = [];
  if (flag.defaults.onVariation === index) usages.push('flag defaults onVariation');
  if (flag.defaults.offVariation === index) usages.push('flag defaults offVariation');
  for (const [envKey, env] of Object.entries(environments)) {
    const where = `environment '${envKey}'`;
    if (env.offVariation === index) usages.push(`${where} offVariation`);
    if (serves(env.fallthrough, index)) usages.push(`${where} fallthrough`);
    const targeted = [...env.targets, ...env.contextTargets.filter((t) => !isUserEntry(t))].some(
      (target) => target.variation === index && target.values.length > 0,
    );
    if (targeted) usages.push(`${where} targets`);
    for (const rule of env.rules) if (serves(rule, index)) usages.push(`${where} rule '${rule._id}'`);
  }
  return usages;
}

function serves(value: VariationOrRollout, index: number): boolean {
  return (
    value.variation === index || (value.rollout?.variations.some((w) => w.variation === index && w.weight > 0) ?? false)
  );
}

/**
 * Removes variation `index` (known to be unused) and shifts every later index down by one, in the
 * defaults and in every environment, so each reference keeps pointing at the same variation.
 */
export function removeVariationAt(
  flag: FlagDefinition,
  environments: Record<string, FlagEnvironmentConfig>,
  index: number,
): void {
  const shift = (i: number) => (i > index ? i - 1 : i);
  flag.variations.splice(index, 1);
  flag.defaults = { onVariation: shift(flag.defaults.onVariation), offVariation: shift(flag.defaults.offVariation) };
  for (const env of Object.values(environments)) {
    if (env.offVariation !== null) env.offVariation = shift(env.offVariation);
    reindexServe(env.fallthrough, index, shift);
    env.rules.forEach((rule) => reindexServe(rule, index, shift));
    env.targets = reindexTargets(env.targets, index, shift);
    env.contextTargets = reindexTargets(env.contextTargets, index, shift);
  }
}

function reindexServe(value: VariationOrRollout, index: number, shift: (i: number) => number): void {
  if (value.variation !== undefined) value.variation = shift(value.variation);
  if (value.rollout) {
    value.rollout.variations = value.rollout.variations
      .filter((weighted) => weighted.variation !== index)
      .map((weighted) => ({ ...weighted, variation: shift(weighted.variation) }));
  }
}

/** Entries of the removed variation can only be empty ones (placeholders), so they go. */
function reindexTargets(targets: Target[], index: number, shift: (i: number) => number): Target[] {
  return targets
    .filter((target) => target.variation !== index)
    .map((target) => ({ ...target, variation: shift(target.variation) }));
}
