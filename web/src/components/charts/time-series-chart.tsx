import { extent, linearScale, niceTicks } from './scale';
import './charts.css';

/** A line over time; `null` values leave a gap (e.g. before there is enough data). */
export interface Series {
  label: string;
  /** CSS class giving the colour and dash pattern (lines differ by dash too, not colour alone). */
  className: string;
  values: readonly (number | null)[];
}

/** A shaded range between two series, e.g. a confidence band. */
export interface Band {
  label: string;
  className: string;
  lower: readonly (number | null)[];
  upper: readonly (number | null)[];
}

/** A labelled moment, e.g. a decision. */
export interface Marker {
  index: number;
  label: string;
}

const W = 640;
const H = 260;
const M = { top: 16, right: 16, bottom: 40, left: 56 };

function path(xs: readonly number[], ys: readonly (number | null)[], y: (v: number) => number): string {
  let d = '';
  let pen = false;
  ys.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${xs[i].toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function bandPath(xs: readonly number[], band: Band, y: (v: number) => number): string {
  const idx = xs.map((_, i) => i).filter((i) => band.lower[i] !== null && band.upper[i] !== null);
  if (!idx.length) return '';
  const top = idx.map((i) => `${xs[i].toFixed(1)},${y(band.upper[i]!).toFixed(1)}`);
  const bottom = idx.reverse().map((i) => `${xs[i].toFixed(1)},${y(band.lower[i]!).toFixed(1)}`);
  return `M${top.join('L')}L${bottom.join('L')}Z`;
}

/**
 * An SVG line chart over time: series as lines with a dot per point, bands behind them, markers as
 * labelled vertical rules. It scales to its box; the numbers themselves belong in a table beside it
 * (the accessible alternative), so the SVG has a title and a summary only.
 */
export function TimeSeriesChart({
  title,
  summary,
  times,
  series,
  bands = [],
  markers = [],
  format = (v) => String(v),
}: {
  title: string;
  summary: string;
  times: readonly Date[];
  series: readonly Series[];
  bands?: readonly Band[];
  markers?: readonly Marker[];
  format?: (v: number) => string;
}) {
  const t0 = times.length ? times[0].getTime() : 0;
  const t1 = times.length ? times[times.length - 1].getTime() : 1;
  const x = linearScale([t0, t1], [M.left, W - M.right]);
  const all = [...series.flatMap((s) => s.values), ...bands.flatMap((b) => [...b.lower, ...b.upper])];
  const y = linearScale(extent(all), [H - M.bottom, M.top]);
  const xs = times.map((t) => x(t.getTime()));
  const yTicks = niceTicks(...y.domain, 4);
  const timeLabel = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const xTicks = times.length > 1 ? [t0, (t0 + t1) / 2, t1] : [t0];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. ${summary}`} data-points={times.length}>
        <title>{title}</title>
        {yTicks.map((t) => (
          <g key={`y${t}`} className="chart-grid">
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {format(t)}
            </text>
          </g>
        ))}
        {xTicks.map((t, i) => (
          <text
            key={`x${t}`}
            className="chart-axis"
            x={x(t)}
            y={H - M.bottom + 18}
            textAnchor={xTicks.length === 1 ? 'middle' : i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}
          >
            {timeLabel(t)}
          </text>
        ))}
        {bands.map((b) => (
          <path key={b.label} className={`chart-band ${b.className}`} d={bandPath(xs, b, y)} />
        ))}
        {markers.map((m) => (
          <g key={`m${m.index}`} className="chart-marker">
            <line x1={xs[m.index]} x2={xs[m.index]} y1={M.top} y2={H - M.bottom} />
            <text x={xs[m.index]} y={M.top} dy="-0.3em" textAnchor={m.index === 0 ? 'start' : 'end'}>
              {m.label}
            </text>
          </g>
        ))}
        {series.map((s) => (
          <g key={s.label} className={`chart-series ${s.className}`}>
            <path d={path(xs, s.values, y)} />
            {s.values.map((v, i) =>
              v === null ? null : <circle key={i} className="chart-point" cx={xs[i]} cy={y(v)} r={3.5} />,
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {series.map((s) => (
            <li key={s.label}>
              <svg width="28" height="10" aria-hidden="true" className={`chart-series ${s.className}`}>
                <path d="M2,5L26,5" />
              </svg>{' '}
              {s.label}
            </li>
          ))}
          {bands.map((b) => (
            <li key={b.label}>
              <svg width="28" height="10" aria-hidden="true">
                <rect className={`chart-band ${b.className}`} x="2" y="1" width="24" height="8" />
              </svg>{' '}
              {b.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
