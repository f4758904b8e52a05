/**
 * Change-freeze windows: when an environment is closed for targeting changes. A window is either
 * one-off (`from` to `to`) or recurring (a 5-field cron expression read in an IANA time zone, each
 * occurrence lasting `durationMinutes` of elapsed time). Occurrences that overlap (a cron firing
 * again before the previous occurrence ended) form one continuous freeze, so "when does it end"
 * is the end of the merged run, not of one occurrence.
 *
 * DST: the cron expression is read in local time (cron-parser over luxon): a start that falls in a
 * skipped hour moves to the first instant after the gap, a start in a repeated hour happens once
 * (the first of the two). The duration is elapsed time, so a 2-hour window starting just before a
 * clock change ends 2 real hours later, whatever the wall clock says.
 */
import { CronExpressionParser } from 'cron-parser';
import type { FieldError } from '../errors';
import { cronProblem, isValidTimeZone } from '../schedule/cron';

export const MIN_DURATION_MINUTES = 1;
export const MAX_DURATION_MINUTES = 10080;

export type FreezeSchedule =
  | { kind: 'once'; from: Date; to: Date }
  | { kind: 'recurring'; cron: string; durationMinutes: number; timeZone: string };

export interface FreezeWindow {
  id: string;
  name: string;
  reason?: string | null;
  /** null = every environment of the project, including those created later. */
  environmentKeys: readonly string[] | null;
  schedule: FreezeSchedule;
}

/** One continuous frozen interval, [start, end). */
export interface FrozenInterval {
  start: Date;
  end: Date;
}

export interface ActiveFreeze {
  window: FreezeWindow;
  /** The current interval: it started at `start` and ends (merged with overlapping occurrences) at `end`. */
  interval: FrozenInterval;
}

const MINUTE = 60_000;
/** Bounds the walk over occurrences (an every-minute cron with a 7-day duration merges 10,080 of them). */
const MAX_OCCURRENCES = 20_000;

/** The problems of a schedule as input, empty when it is valid. */
export function scheduleErrors(input: {
  from?: Date;
  to?: Date;
  cron?: string;
  durationMinutes?: number;
  timeZone?: string;
}): FieldError[] {
  const once = input.from !== undefined || input.to !== undefined;
  const recurring = input.cron !== undefined || input.durationMinutes !== undefined || input.timeZone !== undefined;
  if (once && recurring)
    return [{ field: 'from', reason: 'give either from/to (one-off) or cron/durationMinutes/timeZone (recurring)' }];
  if (!once && !recurring)
    return [{ field: 'from', reason: 'a window needs from/to (one-off) or cron/durationMinutes/timeZone (recurring)' }];
  const errors: FieldError[] = [];
  if (once) {
    if (!isValidDate(input.from)) errors.push({ field: 'from', reason: 'an ISO-8601 date-time is required' });
    if (!isValidDate(input.to)) errors.push({ field: 'to', reason: 'an ISO-8601 date-time is required' });
    if (!errors.length && input.to!.getTime() <= input.from!.getTime())
      errors.push({ field: 'to', reason: 'must be after from' });
    return errors;
  }
  const d = input.durationMinutes;
  if (d === undefined || !Number.isInteger(d) || d < MIN_DURATION_MINUTES || d > MAX_DURATION_MINUTES)
    errors.push({
      field: 'durationMinutes',
      reason: `an integer from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES} is required`,
    });
  const tzOk = input.timeZone !== undefined && isValidTimeZone(input.timeZone);
  if (!tzOk) errors.push({ field: 'timeZone', reason: `'${input.timeZone ?? ''}' is not an IANA time zone` });
  const cronError = cronProblem(input.cron, tzOk ? input.timeZone! : 'UTC');
  if (cronError) errors.push({ field: 'cron', reason: cronError });
  return errors;
}

function isValidDate(d: Date | undefined): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** The latest occurrence start at or before `t` (undefined when the cron never fired before). */
function latestStartAtOrBefore(s: Extract<FreezeSchedule, { kind: 'recurring' }>, t: Date): Date | undefined {
  let latest: Date | undefined;
  try {
    latest = CronExpressionParser.parse(s.cron, { tz: s.timeZone, currentDate: new Date(t.getTime() + 1) })
      .prev()
      .toDate();
  } catch {
    return undefined;
  }
  // cron-parser's prev() skips an occurrence its next() moves past a DST gap (02:30 on a spring-forward
  // day); walking forward from prev() makes both directions agree on next()'s reading.
  const it = CronExpressionParser.parse(s.cron, { tz: s.timeZone, currentDate: latest });
  for (let i = 0; i < MAX_OCCURRENCES; i++) {
    const next = it.next().toDate();
    if (next.getTime() > t.getTime()) break;
    latest = next;
  }
  return latest;
}

/** The end of the run of overlapping occurrences that includes the occurrence starting at `start`. */
function mergedEnd(s: Extract<FreezeSchedule, { kind: 'recurring' }>, start: Date): Date {
  const duration = s.durationMinutes * MINUTE;
  let end = start.getTime() + duration;
  const it = CronExpressionParser.parse(s.cron, { tz: s.timeZone, currentDate: start });
  for (let i = 0; i < MAX_OCCURRENCES; i++) {
    const next = it.next().toDate().getTime();
    if (next > end) break; // an occurrence starting exactly at the end continues the freeze
    end = Math.max(end, next + duration);
  }
  return new Date(end);
}

/** The frozen interval of a window containing `t`, if the window is active at `t`. */
export function activeInterval(window: Pick<FreezeWindow, 'schedule'>, t: Date): FrozenInterval | undefined {
  const s = window.schedule;
  if (s.kind === 'once') return s.from <= t && t < s.to ? { start: s.from, end: s.to } : undefined;
  const start = latestStartAtOrBefore(s, t);
  if (!start || t.getTime() >= start.getTime() + s.durationMinutes * MINUTE) return undefined;
  return { start, end: mergedEnd(s, start) };
}

export const isActiveAt = (window: Pick<FreezeWindow, 'schedule'>, t: Date): boolean =>
  activeInterval(window, t) !== undefined;

/** Whether a window covers an environment (no list = every environment, present and future). */
export const covers = (window: Pick<FreezeWindow, 'environmentKeys'>, envKey: string): boolean =>
  window.environmentKeys === null || window.environmentKeys.includes(envKey);

/**
 * The windows active at `t` covering any of `envKeys`, the one ending last first: a write is
 * refused naming it, since that is when the environments open again.
 */
export function activeFreezes(windows: readonly FreezeWindow[], envKeys: readonly string[], t: Date): ActiveFreeze[] {
  const found: ActiveFreeze[] = [];
  for (const window of windows) {
    if (!envKeys.some((k) => covers(window, k))) continue;
    const interval = activeInterval(window, t);
    if (interval) found.push({ window, interval });
  }
  return found.sort((a, b) => b.interval.end.getTime() - a.interval.end.getTime());
}

/**
 * When every one of `windows` active at `t` has ended, following chains (one window ending while
 * another, or the same one's next occurrence, is already running). `t` itself when none is active.
 */
export function frozenUntil(windows: readonly Pick<FreezeWindow, 'schedule'>[], t: Date): Date {
  let at = t;
  for (let i = 0; i < MAX_OCCURRENCES; i++) {
    let latest: Date | undefined;
    for (const w of windows) {
      const interval = activeInterval(w, at);
      if (interval && (!latest || interval.end > latest)) latest = interval.end;
    }
    if (!latest) return at;
    at = latest;
  }
  return at;
}

/** The frozen intervals of a window that overlap [from, to), clipped to it, in order. */
export function frozenIntervalsWithin(window: Pick<FreezeWindow, 'schedule'>, from: Date, to: Date): FrozenInterval[] {
  if (to <= from) return [];
  const s = window.schedule;
  const clip = (i: FrozenInterval): FrozenInterval | undefined => {
    const start = new Date(Math.max(i.start.getTime(), from.getTime()));
    const end = new Date(Math.min(i.end.getTime(), to.getTime()));
    return start < end ? { start, end } : undefined;
  };
  if (s.kind === 'once') {
    const c = clip({ start: s.from, end: s.to });
    return c ? [c] : [];
  }
  const out: FrozenInterval[] = [];
  let cursor = activeInterval(window, from) ?? undefined;
  let at = from;
  for (let i = 0; i < MAX_OCCURRENCES && at < to; i++) {
    if (!cursor) {
      const it = CronExpressionParser.parse(s.cron, { tz: s.timeZone, currentDate: at });
      const start = it.next().toDate();
      if (start >= to) break;
      cursor = { start, end: mergedEnd(s, start) };
    }
    const c = clip(cursor);
    if (c) out.push(c);
    at = cursor.end;
    cursor = undefined;
  }
  return out;
}

/** Milliseconds of [from, to) during which any of `windows` was active (overlaps counted once). */
export function frozenMillisWithin(windows: readonly Pick<FreezeWindow, 'schedule'>[], from: Date, to: Date): number {
  const intervals = windows
    .flatMap((w) => frozenIntervalsWithin(w, from, to))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  let total = 0;
  let end = -Infinity;
  for (const i of intervals) {
    const s = Math.max(i.start.getTime(), end);
    if (i.end.getTime() > s) total += i.end.getTime() - s;
    end = Math.max(end, i.end.getTime());
  }
  return total;
}

/**
 * The earliest time by which `ms` of unfrozen time has passed since `from`: `from + ms` pushed past
 * every frozen interval of `windows` on the way (a release stage's due time, when frozen time does
 * not count). It lands on an unfrozen instant or exactly where a freeze begins.
 */
export function addUnfrozen(windows: readonly Pick<FreezeWindow, 'schedule'>[], from: Date, ms: number): Date {
  let end = from.getTime() + ms;
  if (!windows.length) return new Date(end);
  for (let i = 0; i < 1_000; i++) {
    const next = from.getTime() + ms + frozenMillisWithin(windows, from, new Date(end));
    if (next === end) break;
    end = next;
  }
  return new Date(end);
}
