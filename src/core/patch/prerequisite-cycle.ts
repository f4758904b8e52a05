import { PrerequisiteFlagView } from './flag-patch-types';

/**
 * The prerequisite chain `flagKey -> prerequisiteKey -> ... -> flagKey` that adding the edge would
 * close, or undefined. Breadth-first, so the reported cycle is a shortest one; every flag is
 * visited once, which also copes with cycles that already exist elsewhere in stored data.
 */
export function findPrerequisiteCycle(
  flagKey: string,
  prerequisiteKey: string,
  envKey: string,
  lookupFlag: (key: string) => PrerequisiteFlagView | undefined,
): string[] | undefined {
  const cameFrom = new Map<string, string>([[prerequisiteKey, flagKey]]);
  const queue = [prerequisiteKey];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    // The flag being patched is never looked up: its stored prerequisites are about to change.
    for (const key of lookupFlag(next)?.prerequisiteKeys(envKey) ?? []) {
      if (key === flagKey) return pathTo(next, cameFrom).concat(flagKey);
      if (cameFrom.has(key)) continue;
      cameFrom.set(key, next);
      queue.push(key);
    }
  }
  return undefined;
}

function pathTo(key: string, cameFrom: Map<string, string>): string[] {
  const path = [key];
  for (let previous = cameFrom.get(key); previous !== undefined; previous = cameFrom.get(previous)) {
    path.unshift(previous);
  }
  return path;
}
