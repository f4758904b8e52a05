// Ordered lists edited in place (prerequisites, clauses): what to keep, remove and append.

/**
 * How to edit `current` into `target` when items can only be removed, updated in place, or appended:
 * keep the longest prefix of `target` whose items appear in `current` in that order; everything else
 * of `current` goes, the rest of `target` is appended.
 */
export function splitForAppend<T>(current: T[], target: T[], idOf: (item: T) => string) {
  const targetIds = new Set(target.map(idOf));
  const kept = current.filter((item) => targetIds.has(idOf(item)));
  let prefix = 0;
  while (prefix < kept.length && prefix < target.length && idOf(kept[prefix]) === idOf(target[prefix])) prefix++;
  const keepIds = new Set(target.slice(0, prefix).map(idOf));
  return {
    /** Pairs [current, target] kept in place. */
    kept: target.slice(0, prefix).map((t) => [current.find((c) => idOf(c) === idOf(t))!, t] as const),
    removed: current.filter((item) => !keepIds.has(idOf(item))),
    added: target.slice(prefix),
  };
}
