/** The time filters: <input type="datetime-local"> speaks local time without a zone; the API and the address ISO 8601. */

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a datetime-local value in the viewer's zone ('' for none or a bad value). */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the viewer's zone) as ISO 8601 UTC ('' for none). */
export function localInputToIso(local: string): string {
  const d = new Date(local);
  return !local || Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
