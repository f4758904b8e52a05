import type { components } from '../../../../openapi/schema';

export type Release = components['schemas']['ReleaseDto'];
export type GuardPoint = components['schemas']['GuardSeriesPointDto'];
export const RELEASE_STATES = ['running', 'paused', 'completed', 'rolled_back', 'failed'] as const;

/** Weights are thousandths of a percent: 25000 → "25%", 12500 → "12.5%". */
export function formatWeight(thousandths: number): string {
  return `${Number((thousandths / 1000).toFixed(3))}%`;
}

/** A duration for people: "1 s", "90 s" → "1 min 30 s", "2 h", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const shown = parts.filter(([n]) => n > 0).slice(0, 2);
  return shown.length ? shown.map(([n, u]) => `${n} ${u}`).join(' ') : '0 s';
}

/** A time, in the viewer's locale, to the second. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export const stateLabel = (state: string) => state.replace(/_/g, ' ');

/** staged or guarded (a release with a guard). */
export const kindOf = (r: Pick<Release, 'guard'>) => (r.guard ? 'guarded' : 'staged');

/** A metric value: rates to 4 significant digits, null as a dash. */
export function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
}
