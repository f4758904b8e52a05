import type { components } from '../../../../openapi/schema';
import { ago } from '../../components/targeting/format';

type Detail = components['schemas']['ChangeRequestDetailDto'];

const DECISION_WORDS: Record<string, string> = { approve: 'approved', decline: 'declined', comment: 'commented' };

/** Reviews and comments, oldest first, with names and times; reviews of an earlier version say so. */
export function ReviewThread({ cr }: { cr: Detail }) {
  if (cr.reviews.length === 0) return <p className="hint">No reviews or comments yet.</p>;
  return (
    <ol className="review-thread">
      {cr.reviews.map((r) => (
        <li key={r.id} className={`thread-item decision-${r.decision}`}>
          <div>
            <strong>{r.reviewer.name}</strong> {DECISION_WORDS[r.decision] ?? r.decision}{' '}
            <time dateTime={r.createdAt} title={new Date(r.createdAt).toLocaleString()}>
              {ago(r.createdAt)}
            </time>
            {!r.current && <span className="hint"> · on an earlier version; no longer counts</span>}
          </div>
          {r.comment && <p className="thread-comment">{r.comment}</p>}
        </li>
      ))}
    </ol>
  );
}
