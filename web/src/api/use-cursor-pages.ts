import { useState } from 'react';
import { asApiError, type ApiError } from './problem';

export interface CursorPage<T> {
  items: T[];
  next: string | null;
}

/**
 * A list that starts from an already-loaded first page and appends older pages on "Load more".
 * The caller keys the component on its filters, so a new first page starts a new list.
 */
export function useCursorPages<T>(first: CursorPage<T>, more: (cursor: string) => Promise<CursorPage<T>>) {
  const [items, setItems] = useState(first.items);
  const [next, setNext] = useState(first.next);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const loadMore = () => {
    if (!next || busy) return;
    setBusy(true);
    setError(undefined);
    more(next).then(
      (page) => {
        setItems((old) => [...old, ...page.items]);
        setNext(page.next);
        setBusy(false);
      },
      (e: unknown) => {
        setError(asApiError(e));
        setBusy(false);
      },
    );
  };
  return { items, next, busy, error, loadMore };
}
