import { nextOccurrence, occurrencesBetween, previousOccurrence, type Recurrence } from './recurrence';

/** How many occurrences missed while no worker ran are written down one by one; older ones are summed up. */
export const MISSED_RECORD_LIMIT = 100;

/**
 * What a run of a recurring schedule does when woken at `now` for the occurrence at `due`: the
 * occurrences that passed while nothing ran are recorded as missed (only the latest due one is
 * applied, late, so a worker that was down for a week does not replay a week of on/off), and the
 * schedule moves to the first occurrence after `now`.
 */
export interface OccurrencePlan {
  /** The occurrence this run applies (the latest one at or before `now`). */
  apply: Date;
  /** Earlier occurrences that passed unapplied, oldest first (the first MISSED_RECORD_LIMIT of them). */
  missed: Date[];
  /** The next occurrence after `now`; null when the expression has none left within the horizon. */
  next: Date | null;
}

export function planOccurrences(r: Recurrence, due: Date, now: Date): OccurrencePlan {
  const latest = previousOccurrence(r, now);
  // Woken early or for an occurrence the expression no longer has (edited since): the due one.
  const apply = latest && latest.getTime() > due.getTime() ? latest : due;
  // Bounded: a minutely schedule idle for a year would be half a million rows.
  const missed =
    apply === due ? [] : [due, ...occurrencesBetween(r, due, new Date(apply.getTime() - 1), MISSED_RECORD_LIMIT - 1)];
  return { apply, missed, next: nextOccurrence(r, now.getTime() < apply.getTime() ? apply : now) };
}

/** The next `count` occurrences after `after` (what a schedule's view shows so a person can check the zone). */
export function upcomingOccurrences(r: Recurrence, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let from = after;
  for (let i = 0; i < count; i++) {
    const next = nextOccurrence(r, from);
    if (!next) break;
    out.push(next);
    from = next;
  }
  return out;
}
