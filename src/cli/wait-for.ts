/**
 * Polling until something is finished, for `--wait` (a CI step gating a deploy on a release). The
 * server's state is the truth: the CLI only reads it again every interval, shows progress on a
 * terminal, and gives up after `--timeout` if one is given.
 */
import { CliUsageError } from './cli-errors';
import { optionalString } from './args';
import type { CliArgs } from './command';
import type { CliContext } from './context';
import { parseDuration } from './durations';

export const waitOptions = {
  wait: { type: 'boolean', short: 'w' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export interface WaitSettings {
  intervalMs: number;
  /** undefined: wait as long as it takes (the CI job's own timeout applies). */
  timeoutMs?: number;
}

export function waitSettings(args: CliArgs): WaitSettings {
  const interval = optionalString(args, 'interval');
  const timeout = optionalString(args, 'timeout');
  const intervalMs = interval === undefined ? 1000 : parseDuration(interval, '--interval');
  if (intervalMs < 100) throw new CliUsageError('--interval must be at least 100ms');
  return { intervalMs, timeoutMs: timeout === undefined ? undefined : parseDuration(timeout, '--timeout') };
}

/**
 * Reads `load()` until `done(value)`; returns the last value and whether it finished (false: timed out).
 * `describe` is the progress line shown meanwhile on a terminal.
 */
export async function waitFor<T>(
  ctx: CliContext,
  settings: WaitSettings,
  load: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (value: T) => string,
): Promise<{ value: T; finished: boolean }> {
  const deadline = settings.timeoutMs === undefined ? Infinity : Date.now() + settings.timeoutMs;
  let value = await load();
  while (!done(value)) {
    // Only on a terminal (Output.progress): a CI log gets the outcome, not a line per poll.
    ctx.out.progress(describe(value));
    if (Date.now() >= deadline) return { value, finished: false };
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(settings.intervalMs, Math.max(0, deadline - Date.now()))),
    );
    value = await load();
  }
  ctx.out.clearProgress();
  return { value, finished: true };
}
