import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from './problem';

export type Resource<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: ApiError };

/**
 * Loads data for a component: `load` runs on mount and whenever `deps` change (an older answer
 * arriving late is dropped through the AbortSignal); `reload()` runs it again. Render the result
 * with <Loaded resource={r}>{(data) => ...}</Loaded>, which shows the loading state and errors.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): Resource<T> & { reload: () => void } {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ok', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: asApiError(error) });
      },
    );
    return () => controller.abort();
    // `load` is a new closure on every render; `deps` say when it means something new.
  }, [...deps, generation]);

  return { ...state, reload };
}
