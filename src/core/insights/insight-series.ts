/** Periods of an insights query (UTC), and the series with every period filled in. */
export type Granularity = 'minute' | 'hour' | 'day';

const PERIOD_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** A query answers at most this many points. */
export const MAX_POINTS = 1_500;

export const truncate = (at: Date, g: Granularity): Date =>
  new Date(Math.floor(at.getTime() / PERIOD_MS[g]) * PERIOD_MS[g]);

/**
 * The range a query covers: periods aligned in UTC, `from` rounded down and `to` rounded up; by
 * default the 24 periods up to now. Why it is refused, as a field and a reason, or the range.
 */
export function insightRange(
  g: Granularity,
  now: Date,
  from?: Date,
  to?: Date,
): { from: Date; to: Date } | { field: 'from' | 'to'; reason: string } {
  const period = PERIOD_MS[g];
  const end = new Date(Math.ceil((to ?? now).getTime() / period) * period);
  const start = truncate(from ?? new Date(end.getTime() - 24 * period), g);
  if (start >= end) return { field: 'from', reason: 'must be before to' };
  if ((end.getTime() - start.getTime()) / period > MAX_POINTS)
    return { field: 'from', reason: `at most ${MAX_POINTS} ${g}s per query; use a coarser granularity` };
  return { from: start, to: end };
}

export interface InsightPoint {
  at: Date;
  total: number;
  counts: { variation: number; count: number }[];
}

/** Every period in [from, to) with its counts per variation (rows: one per period and variation). */
export function fillSeries(
  rows: readonly { at: Date; variation: number; count: number }[],
  g: Granularity,
  from: Date,
  to: Date,
): InsightPoint[] {
  const byPeriod = new Map<number, InsightPoint>();
  const points: InsightPoint[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += PERIOD_MS[g]) {
    const point = { at: new Date(t), total: 0, counts: [] };
    byPeriod.set(t, point);
    points.push(point);
  }
  for (const r of rows) {
    const point = byPeriod.get(truncate(r.at, g).getTime());
    if (!point) continue;
    point.total += r.count;
    point.counts.push({ variation: r.variation, count: r.count });
  }
  for (const p of points) p.counts.sort((a, b) => a.variation - b.variation);
  return points;
}
