/**
 * The number of change requests awaiting the signed-in member's review, for the navigation badge on
 * every page. Fetched again on each navigation and whenever a page says reviews changed
 * (`reviewsChanged()` after approving, declining, applying…), so the badge never lags an action.
 */
import { useEffect, useState } from 'react';
import { api, request } from '../api/client';
import { useSetNavCount } from './nav-counts';

const REVIEWS_CHANGED = 'gantry:reviews-changed';
/** More than this shows as this many: the badge is a nudge, not a report. */
const COUNT_LIMIT = 100;

export function reviewsChanged(): void {
  window.dispatchEvent(new Event(REVIEWS_CHANGED));
}

export function useAwaitingReviewCount(path: string): void {
  const [n, setN] = useState<number>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const bump = () => setGeneration((g) => g + 1);
    window.addEventListener(REVIEWS_CHANGED, bump);
    return () => window.removeEventListener(REVIEWS_CHANGED, bump);
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    request(
      api.GET('/api/v1/change-requests', {
        params: { query: { awaitingMyReview: true, limit: COUNT_LIMIT } },
        signal: controller.signal,
      }),
    ).then(
      (page) => setN(page.items.length),
      // The badge is optional: on failure show none rather than a wrong number (pages show their own errors).
      () => {
        if (!controller.signal.aborted) setN(undefined);
      },
    );
    return () => controller.abort();
  }, [path, generation]);
  useSetNavCount('reviews', n);
}
