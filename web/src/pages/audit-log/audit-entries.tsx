import { useId, useState } from 'react';
import type { components } from '../../../../openapi/schema';
import { useCursorPages, type CursorPage } from '../../api/use-cursor-pages';
import { ErrorPanel } from '../../components/error-panel';
import { JsonDiff } from '../../components/json-diff';

type Entry = components['schemas']['AuditEntryDto'];
export type AuditPage = CursorPage<Entry>;

/** The entries newest first, each expandable to its before/after diff; older ones by "Load more". */
export function AuditEntries({
  first,
  more,
  onActor,
}: {
  first: AuditPage;
  more: (cursor: string) => Promise<AuditPage>;
  onActor: (actorId: string) => void;
}) {
  const { items, next, busy, error, loadMore } = useCursorPages(first, more);
  if (items.length === 0) return <p>No audit entries match these filters.</p>;
  return (
    <>
      <ol className="audit-entries" aria-label="Audit entries, newest first">
        {items.map((e) => (
          <AuditEntryItem key={e.id} entry={e} onActor={onActor} />
        ))}
      </ol>
      {error && <ErrorPanel error={error} onRetry={loadMore} />}
      {next ? (
        <button type="button" onClick={loadMore} disabled={busy}>
          {busy ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        <p className="hint">
          End of the log for these filters ({items.length} {items.length === 1 ? 'entry' : 'entries'}).
        </p>
      )}
    </>
  );
}

function AuditEntryItem({ entry: e, onActor }: { entry: Entry; onActor: (actorId: string) => void }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const actorId = e.actor.memberId ?? e.actor.id;
  return (
    <li className="audit-entry">
      <div className="audit-summary">
        <button type="button" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'} </span>
          <strong>{e.action}</strong>
          <span className="visually-hidden"> on {e.resource}</span>
        </button>
        <code className="audit-resource">{e.resource}</code>
        <span className="hint">
          {new Date(e.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })} · {e.actor.name}
        </span>
      </div>
      {open && (
        <div id={detailsId} className="audit-details">
          {e.comment && <p>“{e.comment}”</p>}
          <JsonDiff before={e.before} after={e.after} caption={`Before and after of entry ${e.id}`} />
          <p className="hint">
            Entry {e.id}
            {e.previousVersion !== null && ` · version ${e.previousVersion} → ${e.currentVersion ?? '—'}`}
            {e.requestId && ` · request ${e.requestId}`}
          </p>
          <button type="button" onClick={() => onActor(actorId)}>
            Only entries by {e.actor.name}
          </button>
        </div>
      )}
    </li>
  );
}
