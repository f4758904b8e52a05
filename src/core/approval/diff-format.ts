import { canonicalJson } from '../audit/canonical-json';
import type { ConfigChange } from './config-change';

/**
 * Small text and comparison helpers shared by the config diff. Equality is by canonical JSON, so key
 * order and properties holding `undefined` do not count as changes (stored JSON loses both).
 */
export const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** Reviewers read summaries, so long lists (10,000 target keys) are cut short. */
const MAX_LISTED = 10;

/** A list item as a reviewer would type it: strings bare, anything else as JSON. */
export function itemText(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value);
}

/** A single value in a sentence: strings quoted, absent as "unset". */
export function valueText(value: unknown): string {
  return value === undefined ? 'unset' : canonicalJson(value);
}

export function listText(items: readonly string[]): string {
  if (items.length <= MAX_LISTED) return items.join(', ');
  return `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more`;
}

/** Items of `after` missing from `before` and the reverse, compared as JSON, in list order. */
export function addedAndRemoved<T>(before: readonly T[], after: readonly T[]): { added: T[]; removed: T[] } {
  const beforeKeys = new Set(before.map((item) => canonicalJson(item)));
  const afterKeys = new Set(after.map((item) => canonicalJson(item)));
  return {
    added: after.filter((item) => !beforeKeys.has(canonicalJson(item))),
    removed: before.filter((item) => !afterKeys.has(canonicalJson(item))),
  };
}

/** "added a, b; removed c", or "reordered" when only the order differs; for lists of primitives. */
export function listChangeText(before: readonly unknown[], after: readonly unknown[]): string {
  const { added, removed } = addedAndRemoved(before, after);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${listText(added.map(itemText))}`);
  if (removed.length > 0) parts.push(`removed ${listText(removed.map(itemText))}`);
  return parts.length > 0 ? parts.join('; ') : 'reordered';
}

/** A change of a whole value, or nothing when both sides are the same. */
export function changeOf(path: string, before: unknown, after: unknown, summary: () => string): ConfigChange[] {
  return same(before, after) ? [] : [{ path, before, after, summary: summary() }];
}

/** Weights are thousandths of a percent: 20000 -> "20%", 12500 -> "12.5%". */
export function percentText(weight: number): string {
  return `${Math.round(weight) / 1000}%`;
}
