/**
 * A flag's targeting in one environment, rendered for a person: on/off, prerequisites, individual
 * targets, rules with their clauses, the fallthrough, rollouts as percentages, and variations by
 * name and value (never by index or id). `TargetingCompare` puts two states side by side (a change
 * request's before and after, or two versions of the flag) and marks what differs — in words, not
 * by colour alone.
 */
import { useId } from 'react';
import type { components } from '../../../../openapi/schema';
import { bySection, rowChanges, targetingRows, type RowChange, type TargetingRow } from './rows';
import { segmentRows, type Segment } from './segment-rows';
import './targeting.css';

type Schemas = components['schemas'];
/** A flag in one environment: its definition and that environment's configuration (as in a flag version). */
export interface FlagSide {
  flag: Schemas['FlagDefinitionDto'];
  environment: Schemas['FlagEnvironmentConfigDto'];
}

const MARK: Record<NonNullable<RowChange>, string> = { added: 'Added', removed: 'Removed', changed: 'Changed' };

function Rows({ rows, changes }: { rows: TargetingRow[]; changes?: Map<string, RowChange> }) {
  return (
    <>
      {bySection(rows).map(([section, sectionRows]) => (
        <section key={section} className="targeting-section">
          <h4>{section}</h4>
          <ul>
            {sectionRows.map((row) => {
              const change = changes?.get(row.key);
              return (
                <li key={row.key} className={change ? `targeting-row row-${change}` : 'targeting-row'}>
                  <div className="row-label">
                    {change && <span className="diff-mark">{MARK[change]}</span>}
                    {row.label}
                  </div>
                  {row.lines.map((line, i) => (
                    <div key={i} className="row-line">
                      {line}
                    </div>
                  ))}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </>
  );
}

export function TargetingView({ state }: { state: FlagSide }) {
  return (
    <div className="targeting-view">
      <Rows rows={targetingRows(state)} />
    </div>
  );
}

export function TargetingCompare({ before, after }: { before: FlagSide | null; after: FlagSide | null }) {
  return <RowsCompare before={before ? targetingRows(before) : null} after={after ? targetingRows(after) : null} />;
}

/** A segment's before and after, compared like a flag's targeting. */
export function SegmentCompare({ before, after }: { before: Segment | null; after: Segment | null }) {
  return <RowsCompare before={before ? segmentRows(before) : null} after={after ? segmentRows(after) : null} />;
}

function RowsCompare({
  before: beforeRows,
  after: afterRows,
}: {
  before: TargetingRow[] | null;
  after: TargetingRow[] | null;
}) {
  const beforeId = useId();
  const afterId = useId();
  const beforeChanges = beforeRows ? rowChanges(beforeRows, afterRows, 'removed') : undefined;
  const afterChanges = afterRows ? rowChanges(afterRows, beforeRows, 'added') : undefined;
  const count = (changes?: Map<string, RowChange>, kinds: RowChange[] = []) =>
    [...(changes?.values() ?? [])].filter((c) => kinds.includes(c)).length;
  const differences = count(afterChanges, ['added', 'changed']) + count(beforeChanges, ['removed']);
  return (
    <div className="targeting-compare-wrap">
      {beforeRows && afterRows && (
        <p className="targeting-summary">
          {differences === 0
            ? 'No differences.'
            : `${differences} ${differences === 1 ? 'row differs' : 'rows differ'}; marked Added, Removed or Changed.`}
        </p>
      )}
      <div className="targeting-compare">
        <section aria-labelledby={beforeId}>
          <h3 id={beforeId}>Before</h3>
          {beforeRows ? <Rows rows={beforeRows} changes={beforeChanges} /> : <p>Not kept.</p>}
        </section>
        <section aria-labelledby={afterId}>
          <h3 id={afterId}>After</h3>
          {afterRows ? <Rows rows={afterRows} changes={afterChanges} /> : <p>Not kept.</p>}
        </section>
      </div>
    </div>
  );
}
