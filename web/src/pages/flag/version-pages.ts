import { useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../../api/problem';
import { useResource } from '../../api/use-resource';
import { loadVersions, type FlagRef, type FlagVersion } from './flag-api';

/** Older pages fetched with "Load more", appended to the first page. */
interface MorePages {
  items: FlagVersion[];
  next: number | null;
}

/**
 * The environment's version history with cursor pagination: the first page through useResource
 * (reloaded when `generation` changes, e.g. after a restore), older pages appended by `loadMore()`.
 */
export function useVersionPages(ref: FlagRef, generation: number) {
  const { projectKey, flagKey, envKey } = ref;
  const first = useResource(
    (signal) => loadVersions(ref, undefined, signal),
    [projectKey, flagKey, envKey, generation],
  );
  const [more, setMore] = useState<MorePages | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);

  useEffect(() => {
    setMore(null);
    setMoreError(null);
  }, [projectKey, flagKey, envKey, generation]);

  const items = first.status === 'ok' ? [...first.data.items, ...(more?.items ?? [])] : [];
  const next = more ? more.next : first.status === 'ok' ? first.data.next : null;

  const loadMore = async () => {
    if (next === null || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await loadVersions(ref, next);
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next }));
    } catch (e) {
      setMoreError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
  };

  return { first, items, next, loadMore, loadingMore, moreError };
}
