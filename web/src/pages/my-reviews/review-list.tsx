import type { components } from '../../../../openapi/schema';
import { ago } from '../../components/targeting/format';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import { StaleMarker } from './stale-marker';

export type ChangeRequest = components['schemas']['ChangeRequestDto'];

/** A request's title: the first line of its description, else what it changes. */
export function requestTitle(cr: ChangeRequest): string {
  const first = cr.description.split('\n')[0]?.trim();
  return first || `Change to ${cr.resourceKind} ${cr.resourceKey}`;
}

/** One list of change requests: each row links to the request's page and says who, where, when and what to watch. */
export function ReviewList({ items, empty }: { items: ChangeRequest[]; empty: string }) {
  if (items.length === 0) return <p className="hint">{empty}</p>;
  return (
    <ul className="review-list">
      {items.map((cr) => (
        <li key={cr.id} className="review-item">
          <div className="review-head">
            <Link to={paths.changeRequest(cr.id)} className="review-title">
              {requestTitle(cr)}
            </Link>
            <span className={`state state-${cr.status}`}>{cr.status}</span>
          </div>
          <div className="review-meta">
            <span>
              {cr.resourceKind} <code>{cr.resourceKey}</code>
            </span>
            <span>
              <code>{cr.projectKey}</code> / <code>{cr.environmentKey}</code>
            </span>
            <span>by {cr.requester.name}</span>
            <time dateTime={cr.createdAt} title={new Date(cr.createdAt).toLocaleString()}>
              {ago(cr.createdAt)}
            </time>
            <span>
              {cr.approvals.approvers.length} of {cr.approvalsRequired} approvals
            </span>
          </div>
          {cr.warnings.length > 0 && (
            <ul className="review-markers" aria-label="Guardrail warnings">
              {cr.warnings.map((w, i) => (
                <li key={i} className="marker marker-warning">
                  Warning: {w.message}
                </li>
              ))}
            </ul>
          )}
          <StaleMarker id={cr.id} status={cr.status} />
          {cr.failure && (
            <p className="marker marker-conflict">
              {cr.failure.code === 'change_request/conflict' ? 'Conflict' : 'Failed'}: {cr.failure.message}{' '}
              <code>{cr.failure.code}</code>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
