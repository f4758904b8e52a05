import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { DomainError } from '../errors';
import { cronProblem, isValidTimeZone } from './cron';

/**
 * A recurring schedule: a five-field cron expression (minute hour day-of-month month day-of-week)
 * read as wall-clock time in an IANA time zone, e.g. `0 9 * * 1-5` in `Europe/Berlin`.
 *
 * Daylight-saving transitions are as the time zone library (Luxon, under cron-parser) defines
 * them: a wall-clock time that does not exist on the day clocks go forward runs at the same
 * wall-clock minute an hour later (02:30 → 03:30), and one that happens twice on the day clocks go
 * back runs once, at the first of the two.
 */
export interface Recurrence {
  cron: string;
  timeZone: string;
}

/** An expression that can never fire (30 February) is caught by looking this far ahead. */
const HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;

const invalid = (field: 'cron' | 'timeZone', reason: string) =>
  new DomainError('request/invalid', `${field}: ${reason}`, [{ field, reason }]);

/**
 * The recurrence, checked: 400 request/invalid naming the field for a bad expression, a zone that
 * is not IANA's, or an expression that never fires.
 */
export function parseRecurrence(cron: unknown, timeZone: unknown, now: Date): Recurrence {
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))
    throw invalid('timeZone', `${JSON.stringify(timeZone ?? '')} is not an IANA time zone (e.g. Europe/Berlin, UTC)`);
  if (typeof cron !== 'string') throw invalid('cron', 'a 5-field cron expression is required');
  const problem = cronProblem(cron, timeZone);
  if (problem) throw invalid('cron', problem);
  const recurrence = { cron: cron.trim().replace(/\s+/g, ' '), timeZone };
  const next = nextOccurrence(recurrence, now);
  if (!next || next.getTime() - now.getTime() > HORIZON_MS) throw invalid('cron', 'the expression never fires');
  return recurrence;
}

function expression(r: Recurrence, after: Date): CronExpression {
  // cron-parser reads a five-field expression as seconds = 0.
  return CronExpressionParser.parse(r.cron, { currentDate: after, tz: r.timeZone, strict: false });
}

/** The first occurrence strictly after `after`; null when there is none within the horizon. */
export function nextOccurrence(r: Recurrence, after: Date): Date | null {
  const it = expression(r, after);
  if (!it.hasNext()) return null;
  return it.next().toDate();
}

/** The last occurrence at or before `atOrBefore`; null when there is none. */
export function previousOccurrence(r: Recurrence, atOrBefore: Date): Date | null {
  const it = expression(r, new Date(atOrBefore.getTime() + 1));
  if (!it.hasPrev()) return null;
  return it.prev().toDate();
}

/** The occurrences in (from, to], oldest first, at most `limit` of them. */
export function occurrencesBetween(r: Recurrence, from: Date, to: Date, limit: number): Date[] {
  const out: Date[] = [];
  const it = expression(r, from);
  while (out.length < limit && it.hasNext()) {
    const d = it.next().toDate();
    if (d.getTime() > to.getTime()) break;
    out.push(d);
  }
  return out;
}
