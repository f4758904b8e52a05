/**
 * Helpers for the SDK delivery tests: a LaunchDarkly Node SDK client pointed at a Gantry, the SDK
 * key of an environment, and `eventually()` for changes that arrive asynchronously (a bounded
 * wait on the outcome, never a timing assertion).
 */
import { init, type LDClient, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk';
import type { ApiClient } from './app-harness';
import { ok } from './factories';

export interface RecordingLogger extends LDLogger {
  /** Every line logged, as `level: message`. */
  lines: string[];
}

/** An SDK logger that prints nothing and keeps what it was told (for assertions and failure messages). */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      void lines.push(`${level}: ${args.map(String).join(' ')}`);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: () => undefined };
}

/**
 * A LaunchDarkly server-side SDK client using Gantry for all three services (protocols.md §3.1):
 * streaming by default, no events unless asked, no diagnostics, silent.
 */
export function ldClient(baseUrl: string, sdkKey: string, options: LDOptions = {}): LDClient {
  return init(sdkKey, {
    baseUri: baseUrl,
    streamUri: baseUrl,
    eventsUri: baseUrl,
    sendEvents: false,
    diagnosticOptOut: true,
    logger: recordingLogger(),
    ...options,
  });
}

/** The SDK key of an environment, as the management API shows it. */
export async function sdkKeyOf(api: ApiClient, projectKey: string, envKey: string): Promise<string> {
  const env = ok(
    await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}', { params: { path: { projectKey, envKey } } }),
  );
  if (!env.sdkKey) throw new Error(`environment ${projectKey}/${envKey} shows no SDK key`);
  return env.sdkKey;
}

/**
 * Runs `attempt` until it stops throwing (jest `expect` failures included) and returns its result;
 * after `timeoutMs` rethrows the last failure, so the test reports what was still wrong.
 */
export async function eventually<T>(
  attempt: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Value of one sample of a Prometheus metric in /metrics text (0 when absent); `labels` as written, e.g. `{surface="ofrep"}`. */
export function metricValue(metricsText: string, name: string, labels = ''): number {
  const escaped = `${name}${labels}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(metricsText);
  return match ? Number(match[1]) : 0;
}
