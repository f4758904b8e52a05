/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week) read as wall-clock time
 * in an IANA time zone, as freeze windows and recurring schedules use them (cron-parser over Luxon).
 */
import { CronExpressionParser } from 'cron-parser';

export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why `cron` is not a usable five-field expression in `tz`; undefined when it is. */
export function cronProblem(cron: string | undefined, tz: string): string | undefined {
  if (cron === undefined || !cron.trim()) return 'a 5-field cron expression is required';
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    return `'${cron}' has ${fields.length} field(s); a 5-field cron expression is required (minute hour day month weekday)`;
  try {
    CronExpressionParser.parse(cron, { tz, currentDate: new Date(0) }).next();
    return undefined;
  } catch (err) {
    return `'${cron}' is not a valid cron expression: ${(err as Error).message}`;
  }
}
