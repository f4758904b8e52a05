import { useId } from 'react';
import type { ApiError } from '../api/problem';

/**
 * How every error looks: the API's title, detail and code (and field errors), in an alert region so
 * screen readers announce it. `onRetry` adds a button for errors worth retrying.
 */
export function ErrorPanel({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const titleId = useId();
  return (
    <section className="error-panel" role="alert" aria-labelledby={titleId}>
      <h2 id={titleId}>{error.title}</h2>
      {error.detail && <p>{error.detail}</p>}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e, i) => (
            <li key={i}>
              {e.field && <code>{e.field}</code>} {e.reason}
            </li>
          ))}
        </ul>
      )}
      <p className="error-code">
        Code <code>{error.code}</code>
        {error.status > 0 && <> · HTTP {error.status}</>}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}
