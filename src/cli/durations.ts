/** Durations as people type them: `500ms`, `30s`, `5m`, `2h`, `1d` (a bare number is milliseconds). */
import { CliUsageError } from './cli-errors';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new CliUsageError(`${what}: '${text}' is not a duration (e.g. 30s, 5m, 2h, 1d)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m}m` : `${Math.round(m / 60)}h`;
}
