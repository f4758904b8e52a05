/**
 * The count badges in the navigation. A page or hook that knows a count publishes it
 * (`useSetNavCount('reviews', n)`); the layout shows it beside the link. Nothing shown while unknown.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type NavCountKey = 'reviews';
type Counts = Partial<Record<NavCountKey, number>>;

const CountsContext = createContext<{ counts: Counts; set: (key: NavCountKey, n: number | undefined) => void }>({
  counts: {},
  set: () => undefined,
});

export function NavCountsProvider({ children }: { children: ReactNode }) {
  const [counts, setCounts] = useState<Counts>({});
  // Stable, and a no-op for an unchanged count, so publishing from an effect cannot loop.
  const set = useCallback(
    (key: NavCountKey, n: number | undefined) => setCounts((c) => (c[key] === n ? c : { ...c, [key]: n })),
    [],
  );
  const value = useMemo(() => ({ counts, set }), [counts, set]);
  return <CountsContext.Provider value={value}>{children}</CountsContext.Provider>;
}

export function useNavCounts(): Counts {
  return useContext(CountsContext).counts;
}

export function useSetNavCount(key: NavCountKey, n: number | undefined): void {
  const { set } = useContext(CountsContext);
  useEffect(() => set(key, n), [set, key, n]);
}
