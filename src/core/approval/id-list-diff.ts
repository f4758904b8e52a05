import type { ConfigChange } from './config-change';
import { same } from './diff-format';

export interface IdListDiffSpec<T> {
  /** Path of the list, e.g. `environment.rules`; items get `[id=…]` appended. */
  path: string;
  /** Summary of a reorder, e.g. "rules reordered". */
  reordered: string;
  added(item: T): string;
  removed(item: T): string;
  /** The field-level changes of an item present on both sides (only called when it differs). */
  changed(before: T, after: T, itemPath: string): ConfigChange[];
}

/**
 * Diffs a list whose items carry a stable `_id` (rules, clauses, variations): items are matched by
 * id, so an edit to one rule is reported there rather than as every later rule shifting. A change of
 * the order of the items on both sides is one change at the list's path. Output order: reorder,
 * removed items (old order), then added and changed items (new order).
 */
export function diffById<T extends { _id: string }>(
  before: readonly T[],
  after: readonly T[],
  spec: IdListDiffSpec<T>,
): ConfigChange[] {
  const oldById = new Map(before.map((item) => [item._id, item]));
  const newIds = new Set(after.map((item) => item._id));
  const changes: ConfigChange[] = [];
  const keptOld = before.filter((item) => newIds.has(item._id)).map((item) => item._id);
  const keptNew = after.filter((item) => oldById.has(item._id)).map((item) => item._id);
  if (!same(keptOld, keptNew)) {
    changes.push({
      path: spec.path,
      before: before.map((item) => item._id),
      after: after.map((item) => item._id),
      summary: spec.reordered,
    });
  }
  for (const item of before) {
    if (!newIds.has(item._id))
      changes.push({
        path: itemPath(spec.path, item._id),
        before: item,
        after: undefined,
        summary: spec.removed(item),
      });
  }
  for (const item of after) {
    const old = oldById.get(item._id);
    const path = itemPath(spec.path, item._id);
    if (old === undefined) changes.push({ path, before: undefined, after: item, summary: spec.added(item) });
    else if (!same(old, item)) changes.push(...spec.changed(old, item, path));
  }
  return changes;
}

const itemPath = (listPath: string, id: string) => `${listPath}[id=${id}]`;
