/** Readable names for a flag's variations, and finding one by what a person types. */
import type { components } from '../../openapi/schema';
import { CliUsageError } from './cli-errors';

type Flag = components['schemas']['FlagDto'];
type Variation = components['schemas']['VariationDto'];
type Serving = components['schemas']['VariationOrRolloutDto'];

export function variationLabel(variation: Variation | undefined): string {
  if (!variation) return '?';
  return variation.name ?? JSON.stringify(variation.value);
}

/** `true`, `"green"`, `green`, a name, or a stable `_id`: whatever matches exactly one variation. */
export function findVariation(flag: Flag, wanted: string): Variation {
  const byId = flag.variations.find((v) => v._id === wanted);
  if (byId) return byId;
  const matches = flag.variations.filter(
    (v) =>
      v.name === wanted || JSON.stringify(v.value) === wanted || (typeof v.value === 'string' && v.value === wanted),
  );
  if (matches.length === 1) return matches[0];
  const known = flag.variations.map((v) => `${variationLabel(v)} (${v._id})`).join(', ');
  throw new CliUsageError(
    matches.length === 0
      ? `flag '${flag.key}' has no variation '${wanted}'; it has: ${known}`
      : `'${wanted}' matches several variations of '${flag.key}'; name one by id: ${known}`,
  );
}

/** What an environment serves by default: one variation, or a rollout as `a 90% / b 10%`. */
export function servingLabel(flag: Flag, serving: Serving | undefined): string {
  if (!serving) return '-';
  if (typeof serving.variation === 'number') return variationLabel(flag.variations[serving.variation]);
  const weighted = serving.rollout?.variations ?? [];
  return weighted.map((w) => `${variationLabel(flag.variations[w.variation])} ${w.weight / 1000}%`).join(' / ') || '-';
}
