import { DomainError } from '../errors';
import { nextOccurrence, parseRecurrence } from './recurrence';

/** When a scheduled change applies: once at `executionDate`, or at every occurrence of `cron` in `timeZone`. */
export interface ScheduleTiming {
  /** The one-off's time, or the recurring schedule's next occurrence. */
  executionDate: Date;
  cron: string | null;
  timeZone: string | null;
}

/** What a request gives (absent fields keep `current`'s on an edit). */
export interface ScheduleTimingInput {
  executionDate?: string;
  cron?: string;
  timeZone?: string;
}

const invalid = (field: string, reason: string) =>
  new DomainError('request/invalid', `${field}: ${reason}`, [{ field, reason }]);

function future(iso: string, now: Date): Date {
  const date = new Date(iso);
  if (date.getTime() <= now.getTime())
    throw new DomainError('scheduled_change/invalid_execution_date', `executionDate ${iso} is not in the future`, [
      { field: 'executionDate', reason: 'must be in the future' },
    ]);
  return date;
}

/**
 * The timing of a new or edited schedule, checked. A recurring schedule names both `cron` and
 * `timeZone` (no default zone: "09:00" means nothing without one); its `executionDate`, when given,
 * is when it starts (the first occurrence at or after it). A schedule stays the kind it was made:
 * a one-off does not become recurring on an edit, nor the other way round.
 */
export function scheduleTiming(input: ScheduleTimingInput, now: Date, current?: ScheduleTiming): ScheduleTiming {
  const recurring = current ? current.cron !== null : input.cron !== undefined || input.timeZone !== undefined;
  if (!recurring) {
    if (input.cron !== undefined || input.timeZone !== undefined)
      throw invalid('cron', 'a one-off scheduled change cannot become recurring; delete it and create a recurring one');
    if (input.executionDate === undefined) {
      if (current) return current;
      throw invalid('executionDate', 'required (or cron and timeZone for a recurring schedule)');
    }
    return { executionDate: future(input.executionDate, now), cron: null, timeZone: null };
  }
  const cron = input.cron ?? current?.cron;
  const timeZone = input.timeZone ?? current?.timeZone;
  if (cron === undefined || cron === null) throw invalid('cron', 'required with timeZone');
  if (timeZone === undefined || timeZone === null)
    throw invalid('timeZone', 'required with cron (an IANA time zone, e.g. Europe/Berlin or UTC)');
  const recurrence = parseRecurrence(cron, timeZone, now);
  if (current && input.cron === undefined && input.timeZone === undefined && input.executionDate === undefined)
    return current;
  // The first occurrence at or after the start (now when not given).
  const start = input.executionDate !== undefined ? future(input.executionDate, now) : now;
  const first = nextOccurrence(recurrence, new Date(start.getTime() - 1));
  if (!first) throw invalid('cron', 'the expression never fires after executionDate');
  return { executionDate: first, ...recurrence };
}
