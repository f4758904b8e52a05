import { jsonDiff, showValue, type DiffKind } from './json-diff-lines';
import './json-diff.css';

/** Words and signs, not colour alone, say what happened to each path. */
const LABEL: Record<DiffKind, { sign: string; word: string }> = {
  added: { sign: '+', word: 'added' },
  removed: { sign: '−', word: 'removed' },
  changed: { sign: '~', word: 'changed' },
};

/** Before/after of a JSON value as a list of changed paths (added, removed, changed, with both values). */
export function JsonDiff({ before, after, caption }: { before: unknown; after: unknown; caption?: string }) {
  const lines = jsonDiff(before ?? undefined, after ?? undefined);
  if (lines.length === 0) return <p className="hint">No difference between before and after.</p>;
  return (
    <div className="json-diff-box">
      <table className="json-diff">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Path</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={`${l.kind}:${l.path}`} className={`diff-${l.kind}`}>
              <td>
                <span aria-hidden="true">{LABEL[l.kind].sign} </span>
                {LABEL[l.kind].word}
              </td>
              <td>
                <code>{l.path}</code>
              </td>
              <td>{l.kind === 'added' ? '—' : <code>{showValue(l.before)}</code>}</td>
              <td>{l.kind === 'removed' ? '—' : <code>{showValue(l.after)}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
