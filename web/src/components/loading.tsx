import type { ReactNode } from 'react';
import type { Resource } from '../api/use-resource';
import { ErrorPanel } from './error-panel';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** Renders a useResource() result: the loading state, the ErrorPanel (with retry), or `children(data)`. */
export function Loaded<T>({
  resource,
  children,
  label,
}: {
  resource: Resource<T> & { reload?: () => void };
  children: (data: T) => ReactNode;
  label?: string;
}) {
  if (resource.status === 'loading') return <Loading label={label} />;
  if (resource.status === 'error') return <ErrorPanel error={resource.error} onRetry={resource.reload} />;
  return <>{children(resource.data)}</>;
}
