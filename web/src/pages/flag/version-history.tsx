import { useId, useRef, useState } from 'react';
import { ErrorPanel } from '../../components/error-panel';
import { Loaded } from '../../components/loading';
import { navigate, useLocation } from '../../router/router';
import { comparedPair, withPair, type ComparedPair } from './compare-in-url';
import type { FlagRef, FlagVersion, RestoreResult } from './flag-api';
import { RestoreConfirm } from './restore-confirm';
import { VersionCompare } from './version-compare';
import { changeAreas, versionDifferences } from './version-differences';
import { useVersionPages } from './version-pages';

/**
 * The selected environment's versions, newest first ("Load more" for older ones): who made each,
 * when, its comment and what kind of change it was; "Compare with previous" and restoring a version.
 * Below, the compare view (the pair from the URL; default: the latest version against the one before).
 */
export function VersionHistory({
  flagRef,
  environmentName,
  generation,
  onRestored,
}: {
  flagRef: FlagRef;
  environmentName: string;
  generation: number;
  onRestored: (result: RestoreResult) => void;
}) {
  const pages = useVersionPages(flagRef, generation);
  const location = useLocation();
  const choose = (pair: ComparedPair) =>
    navigate(`${location.path}?${withPair(location.search, pair).toString()}`, { replace: true });
  const [restoring, setRestoring] = useState<number | null>(null);
  const idPrefix = useId();
  // The restore buttons by version: focus returns to one when its confirm panel is cancelled.
  const restoreButtons = useRef(new Map<number, HTMLButtonElement>());
  const cancelRestore = (version: number) => {
    setRestoring(null);
    restoreButtons.current.get(version)?.focus();
  };

  const compareWithPrevious = (version: number) => {
    choose({ from: version - 1, to: version });
    document.getElementById('compare-title')?.focus();
  };

  return (
    <section className="version-history" aria-labelledby="history-title">
      <h2 id="history-title">History in {environmentName}</h2>
      <Loaded resource={pages.first} label="Loading the history…">
        {() => {
          const items = pages.items;
          if (items.length === 0) return <p>No versions kept in {environmentName}.</p>;
          const latest = items[0].version;
          const pair = comparedPair(location.search, latest);
          const known = new Map(items.map((v) => [v.version, v]));
          return (
            <>
              <ol className="version-list">
                {items.map((v, i) => (
                  <li key={v.version} className="version-item" aria-labelledby={`${idPrefix}-${v.version}`}>
                    <VersionLine version={v} previous={items[i + 1]} titleId={`${idPrefix}-${v.version}`} />
                    <div className="button-row">
                      {v.version > 1 && (
                        <button type="button" onClick={() => compareWithPrevious(v.version)}>
                          Compare with previous
                        </button>
                      )}
                      {v.version === latest ? (
                        <span className="hint">Current version</span>
                      ) : (
                        <button
                          type="button"
                          ref={(b) => {
                            if (b) restoreButtons.current.set(v.version, b);
                            else restoreButtons.current.delete(v.version);
                          }}
                          aria-expanded={restoring === v.version}
                          onClick={() => setRestoring(restoring === v.version ? null : v.version)}
                        >
                          Propose restoring this version
                        </button>
                      )}
                    </div>
                    {restoring === v.version && (
                      <RestoreConfirm
                        flagRef={flagRef}
                        version={v.version}
                        environmentName={environmentName}
                        onCancel={() => cancelRestore(v.version)}
                        onDone={(result) => {
                          setRestoring(null);
                          onRestored(result);
                        }}
                      />
                    )}
                  </li>
                ))}
              </ol>
              {pages.moreError && <ErrorPanel error={pages.moreError} onRetry={() => void pages.loadMore()} />}
              {pages.next !== null && (
                <button type="button" disabled={pages.loadingMore} onClick={() => void pages.loadMore()}>
                  {pages.loadingMore ? 'Loading older versions…' : 'Load more'}
                </button>
              )}
              {latest > 1 && (
                <VersionCompare flagRef={flagRef} latest={latest} known={known} pair={pair} onChange={choose} />
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

/** Version number, author by name, time, comment, and the kind of change (from the version before, when loaded). */
function VersionLine({
  version: v,
  previous,
  titleId,
}: {
  version: FlagVersion;
  previous?: FlagVersion;
  titleId: string;
}) {
  const kinds = previous ? changeAreas(versionDifferences(previous, v)) : null;
  return (
    <>
      <p className="version-line">
        <strong id={titleId}>Version {v.version}</strong> by{' '}
        <span className="version-author">{actorName(v.actor)}</span> ·{' '}
        <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
      </p>
      <p className="version-comment">{v.comment || <span className="hint">No comment</span>}</p>
      <p className="version-kind hint">
        {v.version === 1
          ? 'Created'
          : kinds === null
            ? 'Load older versions to see what changed'
            : kinds.length === 0
              ? 'No visible change'
              : `Changed: ${kinds.join(', ')}`}
      </p>
    </>
  );
}

function actorName(actor: FlagVersion['actor']): string {
  if (actor.kind === 'member') return actor.name;
  if (actor.kind === 'token') return `${actor.name} (service token)`;
  return actor.name;
}
