import { navigate, useLocation } from '../router/router';

/**
 * Filters kept in the address's query string, so a filtered view can be linked to, reloaded and
 * gone back to. `set` replaces the history entry (typing in a filter is not a navigation).
 */
export function useUrlFilters<K extends string>(
  keys: readonly K[],
): { values: Record<K, string>; set: (next: Partial<Record<K, string>>) => void } {
  const { path, search } = useLocation();
  const values = Object.fromEntries(keys.map((k) => [k, search.get(k) ?? ''])) as Record<K, string>;
  const set = (next: Partial<Record<K, string>>) => {
    const merged = new URLSearchParams(search);
    for (const [k, v] of Object.entries(next) as [K, string | undefined][]) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    const query = merged.toString();
    navigate(query ? `${path}?${query}` : path, { replace: true });
  };
  return { values, set };
}
