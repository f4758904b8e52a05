import type { FlagEnvironmentConfig, Target } from '../model/flag-config';
import { isUserEntry } from './flag-targets';
import { deepEqual } from './json-value';
import { MAX_VALUES_PER_INSTRUCTION, USER_KIND } from './limits';
import type { RestoreInstruction } from './restore-types';
import type { VariationIds } from './restore-variation-ids';

// Restore: individual targets.

interface TargetEntry {
  contextKind: string;
  variationId: string;
  values: string[];
}

/**
 * Targets in the order the SDK checks them: `contextTargets`, with each user placeholder standing
 * for its `targets` entry (user entries without a placeholder come first, as core/patch repairs them).
 */
function targetEntries(env: FlagEnvironmentConfig, idOf: (index: number, where: string) => string): TargetEntry[] {
  const user = (t: Target, where: string): TargetEntry => ({
    contextKind: USER_KIND,
    variationId: idOf(t.variation, where),
    values: t.values,
  });
  const placed = new Set(env.contextTargets.filter(isUserEntry).map((t) => t.variation));
  const entries = env.targets.flatMap((t, i) => (placed.has(t.variation) ? [] : [user(t, `targets[${i}]`)]));
  env.contextTargets.forEach((entry, i) => {
    if (!isUserEntry(entry)) {
      entries.push({
        contextKind: entry.contextKind!,
        variationId: idOf(entry.variation, `contextTargets[${i}]`),
        values: entry.values,
      });
      return;
    }
    const j = env.targets.findIndex((t) => t.variation === entry.variation);
    if (j >= 0 && !entries.some((e) => e.contextKind === USER_KIND && e.values === env.targets[j].values)) {
      entries.push(user(env.targets[j], `targets[${j}]`));
    }
  });
  return entries.filter((e) => e.values.length > 0);
}

/** Targets are replaced as a whole: that is the one way to get their order (which decides ties across kinds) exact. */
export function targetChanges(
  cur: FlagEnvironmentConfig,
  tgt: FlagEnvironmentConfig,
  ids: VariationIds,
): RestoreInstruction[] {
  const before = targetEntries(cur, (i) => ids.currentId(i) ?? `#${i}`);
  const after = targetEntries(tgt, (i, where) => ids.targetId(i, where));
  if (deepEqual(before, after)) return [];
  if (!after.length) return [{ kind: 'clearTargets' }];
  const input = (e: TargetEntry, values = e.values) => ({
    variationId: e.variationId,
    values,
    ...(e.contextKind !== USER_KIND ? { contextKind: e.contextKind } : {}),
  });
  const total = after.reduce((sum, e) => sum + e.values.length, 0);
  if (total <= MAX_VALUES_PER_INSTRUCTION) return [{ kind: 'replaceTargets', targets: after.map((e) => input(e)) }];
  // Too many keys for one instruction: clear, then add entry by entry (in order) in bounded chunks.
  const out: RestoreInstruction[] = [{ kind: 'clearTargets' }];
  for (const e of after) {
    for (let i = 0; i < e.values.length; i += MAX_VALUES_PER_INSTRUCTION) {
      out.push({ kind: 'addTargets', ...input(e, e.values.slice(i, i + MAX_VALUES_PER_INSTRUCTION)) });
    }
  }
  return out;
}
