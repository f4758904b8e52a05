/**
 * The buttons a reviewer or author acts with. Each follows the API's own answer for the caller
 * (`actions` on GET /change-requests/{id}): disabled when not allowed, with the reason beside it as
 * visible text and tied to the button by aria-describedby.
 */
import { useId, useState, type ReactNode } from 'react';
import type { components } from '../../../../openapi/schema';
import { api, request } from '../../api/client';
import { asApiError, type ApiError } from '../../api/problem';
import { ErrorPanel } from '../../components/error-panel';

type Detail = components['schemas']['ChangeRequestDetailDto'];
type Decision = components['schemas']['ActionDecisionDto'];

export function RequestActions({ cr, onDone }: { cr: Detail; onDone: (what: string) => void }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const commentId = useId();
  const { actions } = cr;
  const path = { params: { path: { id: cr.id } } };

  const run = (what: string, call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    call().then(
      () => {
        setBusy(false);
        setComment('');
        onDone(what);
      },
      (e: unknown) => {
        setBusy(false);
        setError(asApiError(e));
      },
    );
  };
  const review = (decision: 'approve' | 'decline' | 'comment', what: string) =>
    run(what, () =>
      request(
        api.POST('/api/v1/change-requests/{id}/reviews', {
          ...path,
          body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        }),
      ),
    );

  return (
    <section className="request-actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Decide</h2>
      <label htmlFor={commentId}>Comment (sent with a review or on its own)</label>
      <textarea id={commentId} rows={3} value={comment} maxLength={4096} onChange={(e) => setComment(e.target.value)} />
      <div className="action-grid">
        <Action decision={actions.review} busy={busy} primary onClick={() => review('approve', 'Approved')}>
          Approve
        </Action>
        <Action decision={actions.review} busy={busy} onClick={() => review('decline', 'Declined')}>
          Decline
        </Action>
        <Action
          decision={comment.trim() ? actions.comment : { allowed: false, reason: 'write a comment first' }}
          busy={busy}
          onClick={() => review('comment', 'Comment added')}
        >
          Comment
        </Action>
        <Action
          decision={actions.apply}
          busy={busy}
          primary
          onClick={() =>
            run('Applied', () =>
              request(
                api.POST('/api/v1/change-requests/{id}/apply', {
                  ...path,
                  body: comment.trim() ? { comment: comment.trim() } : {},
                }),
              ),
            )
          }
        >
          Apply
        </Action>
        <Action
          decision={actions.rebase}
          busy={busy}
          onClick={() => run('Rebased', () => request(api.POST('/api/v1/change-requests/{id}/rebase', path)))}
        >
          Rebase
        </Action>
        <Action
          decision={actions.cancel}
          busy={busy}
          onClick={() => run('Cancelled', () => request(api.POST('/api/v1/change-requests/{id}/cancel', path)))}
        >
          Cancel request
        </Action>
      </div>
      {error && <ErrorPanel error={error} />}
    </section>
  );
}

function Action({
  decision,
  busy,
  primary,
  onClick,
  children,
}: {
  decision: Decision;
  busy: boolean;
  primary?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  const reasonId = useId();
  const refused = !decision.allowed;
  return (
    <div className="action">
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        disabled={refused || busy}
        aria-describedby={refused ? reasonId : undefined}
        onClick={onClick}
      >
        {children}
      </button>
      {refused && (
        <span id={reasonId} className="action-reason">
          {decision.reason ?? 'not available'}
          {decision.code && (
            <>
              {' '}
              <code>{decision.code}</code>
            </>
          )}
        </span>
      )}
    </div>
  );
}
