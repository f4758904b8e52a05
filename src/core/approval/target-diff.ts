import type { Prerequisite, SegmentTarget, Target } from '../model/flag-config';
import type { ConfigChange } from './config-change';
import { addedAndRemoved, changeOf, listChangeText, listText, same } from './diff-format';
import type { Namers } from './rule-diff';

/** One targeted key: `key` for users, `kind:key` for other kinds, so both lists read alike. */
interface TargetedKey {
  label: string;
  variation: number;
}

function targetedKeys(targets: readonly Target[]): TargetedKey[] {
  return targets.flatMap((target) => {
    const kind = target.contextKind === undefined || target.contextKind === 'user' ? '' : `${target.contextKind}:`;
    return target.values.map((key) => ({ label: `${kind}${key}`, variation: target.variation }));
  });
}

/** "added a, b to true; removed c from false", grouped by variation in index order. */
function targetChangeText(before: readonly Target[], after: readonly Target[], names: Namers): string {
  const { added, removed } = addedAndRemoved(targetedKeys(before), targetedKeys(after));
  const parts = [
    ...byVariation(added).map(([variation, labels]) => `added ${listText(labels)} to ${names.after(variation)}`),
    ...byVariation(removed).map(([variation, labels]) => `removed ${listText(labels)} from ${names.before(variation)}`),
  ];
  return parts.join('; ');
}

function byVariation(keys: TargetedKey[]): [number, string[]][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const labels = groups.get(key.variation);
    if (labels === undefined) groups.set(key.variation, [key.label]);
    else labels.push(key.label);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

export function diffTargets(path: string, before: Target[], after: Target[], names: Namers): ConfigChange[] {
  return changeOf(
    path,
    before,
    after,
    () => `individual targets: ${targetChangeText(before, after, names) || 'reordered'}`,
  );
}

/**
 * contextTargets also holds a keyless `user` placeholder per `targets` entry (see core/patch
 * flag-targets.ts). Adding a first user target adds one; that is bookkeeping, already reported
 * under `environment.targets`, so placeholder-only differences are left out here.
 */
export function diffContextTargets(path: string, before: Target[], after: Target[], names: Namers): ConfigChange[] {
  const withKeys = (targets: Target[]) => targets.filter((target) => target.values.length > 0);
  if (same(withKeys(before), withKeys(after))) return [];
  return changeOf(
    path,
    before,
    after,
    () => `context targets: ${targetChangeText(before, after, names) || 'order changed'}`,
  );
}

/** Prerequisite variations are indexes into the other flag's variations, which this diff does not know. */
export function diffPrerequisites(path: string, before: Prerequisite[], after: Prerequisite[]): ConfigChange[] {
  return changeOf(path, before, after, () => {
    const parts: string[] = [];
    for (const prerequisite of after) {
      const old = before.find((candidate) => candidate.key === prerequisite.key);
      if (old === undefined) parts.push(`added prerequisite ${prerequisite.key} (variation ${prerequisite.variation})`);
      else if (old.variation !== prerequisite.variation) {
        parts.push(
          `prerequisite ${prerequisite.key} now requires variation ${prerequisite.variation} (was ${old.variation})`,
        );
      }
    }
    for (const old of before) if (!after.some((p) => p.key === old.key)) parts.push(`removed prerequisite ${old.key}`);
    return parts.length > 0 ? parts.join('; ') : 'prerequisites reordered';
  });
}

/** Segment targets of other kinds, as `kind:key`. */
export function diffSegmentContexts(
  path: string,
  label: string,
  before: SegmentTarget[],
  after: SegmentTarget[],
): ConfigChange[] {
  const keys = (targets: SegmentTarget[]) =>
    targets.flatMap((target) => target.values.map((key) => `${target.contextKind}:${key}`));
  return changeOf(path, before, after, () => `${label}: ${listChangeText(keys(before), keys(after))}`);
}
