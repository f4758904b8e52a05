/**
 * The impact preview: how many recently seen contexts move from which variation to which, per flag
 * the change touches, as a table with example context keys and a small SVG bar chart (no library).
 */
import type { components } from '../../../../openapi/schema';
import { formatValue, share, variationLabel, type Variation } from '../../components/targeting/format';

type Impact = components['schemas']['ChangeRequestImpactDto'];
type Transition = components['schemas']['ImpactTransitionDto'];

/** A side of a transition by name and value when the flag's variations are known, else by value. */
function sideLabel(side: Transition['from'], variations: readonly Variation[] | undefined): string {
  if (side.variation === null) return 'no variation';
  if (variations?.[side.variation]) return variationLabel(variations, side.variation);
  return formatValue(side.value);
}

export function ImpactPreview({
  impact,
  flagKey,
  variations,
}: {
  impact: Impact;
  /** The request's own flag, whose variations are known by name. */
  flagKey?: string;
  variations?: readonly Variation[];
}) {
  const { contexts } = impact;
  return (
    <div className="impact">
      <p>
        Over {contexts.sample} recently seen {contexts.sample === 1 ? 'context' : 'contexts'}
        {contexts.supplied > 0 && ` and ${contexts.supplied} supplied`}: <strong>{impact.changed}</strong>{' '}
        {impact.changed === 1 ? 'context changes' : 'contexts change'} variation.
        {contexts.invalid > 0 && ` (${contexts.invalid} invalid contexts were skipped.)`}
      </p>
      {impact.flags.map((f) => {
        const names = f.flagKey === flagKey ? variations : undefined;
        const moved = f.transitions.filter((t) => t.count > 0);
        return (
          <section key={f.flagKey} className="impact-flag" aria-label={`Impact on flag ${f.flagKey}`}>
            <h3>
              Flag <code>{f.flagKey}</code>: {f.changed} of {f.evaluated} contexts move ({share(f.changed, f.evaluated)}
              )
            </h3>
            {moved.length === 0 ? (
              <p className="hint">No context changes variation.</p>
            ) : (
              <>
                <div className="table-scroll">
                  <table className="impact-table">
                    <thead>
                      <tr>
                        <th scope="col">From</th>
                        <th scope="col">To</th>
                        <th scope="col">Contexts</th>
                        <th scope="col">Examples</th>
                      </tr>
                    </thead>
                    <tbody>
                      {moved.map((t, i) => (
                        <tr key={i}>
                          <td>{sideLabel(t.from, names)}</td>
                          <td>→ {sideLabel(t.to, names)}</td>
                          <td>
                            {t.count} ({share(t.count, f.evaluated)})
                          </td>
                          <td>
                            {t.examples.map((k) => (
                              <code key={k} className="example-key">
                                {k}
                              </code>
                            ))}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <ImpactChart transitions={moved} evaluated={f.evaluated} names={names} />
              </>
            )}
          </section>
        );
      })}
    </div>
  );
}

const BAR_HEIGHT = 22;
const GAP = 10;
const LABEL_HEIGHT = 16;

/** One horizontal bar per transition, its length the share of evaluated contexts; the numbers are in the table too. */
function ImpactChart({
  transitions,
  evaluated,
  names,
}: {
  transitions: Transition[];
  evaluated: number;
  names: readonly Variation[] | undefined;
}) {
  const rowHeight = LABEL_HEIGHT + BAR_HEIGHT + GAP;
  const height = transitions.length * rowHeight;
  return (
    <svg
      className="impact-chart"
      viewBox={`0 0 400 ${height}`}
      role="img"
      aria-label="Share of contexts per variation change"
      preserveAspectRatio="xMinYMin meet"
    >
      {transitions.map((t, i) => {
        const y = i * rowHeight;
        const width = evaluated > 0 ? Math.max(2, (t.count / evaluated) * 300) : 0;
        return (
          <g key={i}>
            <text x={0} y={y + 12} className="chart-label">
              {sideLabel(t.from, names)} → {sideLabel(t.to, names)}
            </text>
            <rect x={0} y={y + LABEL_HEIGHT} width={300} height={BAR_HEIGHT} className="chart-track" />
            <rect x={0} y={y + LABEL_HEIGHT} width={width} height={BAR_HEIGHT} className="chart-bar" />
            <text x={308} y={y + LABEL_HEIGHT + 16} className="chart-value">
              {share(t.count, evaluated)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
