import type { Clause, Variation, VariationOrRollout } from '../model/flag-config';
import { itemText, listText, percentText } from './diff-format';

/** Names a variation index the way a reviewer knows it: by its name, else its JSON value. */
export type VariationNamer = (index: number | null | undefined) => string;

export function variationNamer(variations: readonly Variation[]): VariationNamer {
  return (index) => {
    if (index === null || index === undefined) return "the caller's default";
    const variation = variations[index];
    if (variation === undefined) return `variation #${index}`;
    return variation.name ?? JSON.stringify(variation.value);
  };
}

/** "serves true", or "rollout true 20% / false 80%" (zero weights left out; bucketBy when set). */
export function serveText(serve: VariationOrRollout, name: VariationNamer): string {
  if (serve.rollout !== undefined) {
    const shares = serve.rollout.variations
      .filter((wv) => wv.weight > 0)
      .map((wv) => `${name(wv.variation)} ${percentText(wv.weight)}`);
    const bucketBy = serve.rollout.bucketBy === undefined ? '' : ` by ${serve.rollout.bucketBy}`;
    return `rollout ${shares.join(' / ')}${bucketBy}`;
  }
  if (serve.variation !== undefined) return `serves ${name(serve.variation)}`;
  return 'serves nothing';
}

/** "email endsWith @acme.com", "org plan not in gold, silver". */
export function clauseText(clause: Clause): string {
  const kind = clause.contextKind === undefined ? '' : `${clause.contextKind} `;
  const negate = clause.negate ? 'not ' : '';
  return `${kind}${clause.attribute} ${negate}${clause.op} ${listText(clause.values.map(itemText))}`;
}
