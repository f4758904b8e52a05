/**
 * A flag environment's individual targets as one ordered list, the order SDKs check them
 * (protocols.md §2.3): `contextTargets`, each user placeholder standing for its `targets` entry;
 * user entries without a placeholder come first (core/patch repairs them to that place). The file
 * holds this list; `toStoredTargets` turns it back into the two stored lists.
 */
import type { FlagEnvironmentConfig, Target } from '../model/flag-config';
import { isUserEntry } from '../patch/flag-targets';

export interface OrderedTarget {
  contextKind: string;
  variation: number;
  values: string[];
}

export function orderedTargets(env: FlagEnvironmentConfig): OrderedTarget[] {
  const user = (t: Target): OrderedTarget => ({ contextKind: 'user', variation: t.variation, values: t.values });
  const placed = new Set(env.contextTargets.filter(isUserEntry).map((t) => t.variation));
  const out = env.targets.filter((t) => !placed.has(t.variation)).map(user);
  for (const entry of env.contextTargets) {
    if (!isUserEntry(entry)) {
      out.push({ contextKind: entry.contextKind!, variation: entry.variation, values: entry.values });
      continue;
    }
    const t = env.targets.find((candidate) => candidate.variation === entry.variation);
    if (t && !out.some((o) => o.values === t.values)) out.push(user(t));
  }
  return out.filter((t) => t.values.length > 0);
}

/** The stored lists for an ordered list: user keys in `targets`, a placeholder keeping their place. */
export function toStoredTargets(list: OrderedTarget[]): Pick<FlagEnvironmentConfig, 'targets' | 'contextTargets'> {
  const targets: Target[] = [];
  const contextTargets: Target[] = [];
  for (const t of list) {
    if (t.values.length === 0) continue;
    if (t.contextKind !== 'user') {
      contextTargets.push({ contextKind: t.contextKind, variation: t.variation, values: [...t.values] });
      continue;
    }
    const existing = targets.find((other) => other.variation === t.variation);
    if (existing) {
      existing.values.push(...t.values.filter((v) => !existing.values.includes(v)));
      continue;
    }
    targets.push({ variation: t.variation, values: [...t.values] });
    contextTargets.push({ contextKind: 'user', variation: t.variation, values: [] });
  }
  return { targets, contextTargets };
}
