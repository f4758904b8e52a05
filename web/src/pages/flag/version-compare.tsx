import { useId } from 'react';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { TargetingCompare } from '../../components/targeting/targeting-view';
import type { ComparedPair } from './compare-in-url';
import { loadVersion, type FlagRef, type FlagVersion } from './flag-api';
import { versionDifferences } from './version-differences';

/**
 * "Compare version A with version B": two selects over every version number (versions are numbered
 * 1…latest without gaps), the differences as sentences, then both states side by side.
 */
export function VersionCompare({
  flagRef,
  latest,
  known,
  pair,
  onChange,
}: {
  flagRef: FlagRef;
  latest: number;
  /** Versions already loaded, to label the options with their author. */
  known: ReadonlyMap<number, FlagVersion>;
  pair: ComparedPair;
  onChange: (pair: ComparedPair) => void;
}) {
  const fromId = useId();
  const toId = useId();
  const numbers = Array.from({ length: latest }, (_, i) => latest - i);
  const option = (n: number) => {
    const v = known.get(n);
    return (
      <option key={n} value={n}>
        {v ? `Version ${n} · ${v.actor.name}` : `Version ${n}`}
      </option>
    );
  };
  return (
    <section className="version-compare" aria-labelledby="compare-title">
      <h2 id="compare-title" tabIndex={-1}>
        Compare versions
      </h2>
      <div className="compare-controls">
        <label htmlFor={fromId}>Compare</label>
        <select id={fromId} value={pair.from} onChange={(e) => onChange({ ...pair, from: Number(e.target.value) })}>
          {numbers.map(option)}
        </select>
        <label htmlFor={toId}>with</label>
        <select id={toId} value={pair.to} onChange={(e) => onChange({ ...pair, to: Number(e.target.value) })}>
          {numbers.map(option)}
        </select>
      </div>
      <ComparedVersions flagRef={flagRef} pair={pair} />
    </section>
  );
}

function ComparedVersions({ flagRef, pair }: { flagRef: FlagRef; pair: ComparedPair }) {
  const { projectKey, flagKey, envKey } = flagRef;
  const versions = useResource(
    (signal) => Promise.all([loadVersion(flagRef, pair.from, signal), loadVersion(flagRef, pair.to, signal)]),
    [projectKey, flagKey, envKey, pair.from, pair.to],
  );
  return (
    <Loaded resource={versions} label={`Loading versions ${pair.from} and ${pair.to}…`}>
      {([before, after]) => {
        const differences = versionDifferences(before, after);
        return (
          <>
            <h3 className="flag-section-title">
              From version {before.version} to version {after.version}
            </h3>
            {pair.from === pair.to ? (
              <p className="hint">Choose two different versions to see what changed.</p>
            ) : differences.length === 0 ? (
              <p className="hint">No differences in targeting or definition.</p>
            ) : (
              <ul className="difference-list" aria-label="Differences">
                {differences.map((d, i) => (
                  <li key={i}>
                    <span className="difference-area">{d.area}</span> {d.text}
                  </li>
                ))}
              </ul>
            )}
            <p className="hint">
              Before: version {before.version} by {before.actor.name} · After: version {after.version} by{' '}
              {after.actor.name}
            </p>
            <TargetingCompare before={before} after={after} />
          </>
        );
      }}
    </Loaded>
  );
}
