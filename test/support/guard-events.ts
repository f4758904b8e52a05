/**
 * Real SDK events for guarded releases, sent through POST /bulk as an SDK would: a feature event says
 * which variation a context saw (0 the old one, 1 the released one), a custom event carries the metric.
 *
 *   await feedGuardEvents(gantry, sdkKey, flagKey, { prefix: 'bad', perArm: 400, errorsOld: 4, errorsNew: 120 });
 */
import type { ApiClient, Gantry } from './app-harness';
import { factory, ok, type Flag } from './factories';

export interface GuardFeed {
  /** Makes context keys unique per call, so each call adds new contexts to both arms. */
  prefix: string;
  /** Contexts that saw each variation. */
  perArm: number;
  /** How many of them sent the metric's event, on the old and on the new variation. */
  errorsOld: number;
  errorsNew: number;
  /** The metric's event key (default `checkout-error`). */
  metric?: string;
}

export async function feedGuardEvents(g: Gantry, sdkKey: string, flagKey: string, feed: GuardFeed): Promise<void> {
  const now = Date.now();
  const metric = feed.metric ?? 'checkout-error';
  const events: unknown[] = [];
  for (const [variation, errors] of [
    [0, feed.errorsOld],
    [1, feed.errorsNew],
  ] as const) {
    for (let i = 0; i < feed.perArm; i++) {
      const context = { kind: 'user', key: `${feed.prefix}-${variation}-${i}` };
      const value = variation === 0 ? 'old' : 'new';
      events.push({ kind: 'feature', key: flagKey, variation, value, context, creationDate: now });
      if (i < errors) events.push({ kind: 'custom', key: metric, context, creationDate: now });
    }
  }
  const res = await g.raw('POST', '/bulk', {
    headers: { authorization: sdkKey, 'content-type': 'application/json' },
    body: events,
  });
  if (res.status !== 202) throw new Error(`POST /bulk answered ${res.status}`);
}

/**
 * A guarded release of `flag` that stays in its first stage (1 % of the second variation for an
 * hour) watching `metrics` (created as count metrics): what makes /bulk store the flag's feature
 * events and the metrics' custom events in `envKey`.
 */
export async function holdGuardedRelease(
  owner: ApiClient,
  projectKey: string,
  envKey: string,
  flag: Flag,
  metrics: string[],
): Promise<void> {
  for (const key of metrics) await factory.metric(owner, projectKey, { key, name: key });
  ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: { projectKey, flagKey: flag.key, envKey } },
      body: {
        toVariationId: flag.variations[1]._id,
        stages: [
          { weight: 1_000, durationMs: 3_600_000 },
          { weight: 100_000, durationMs: 3_600_000 },
        ],
        guard: { metrics },
      },
    }),
  );
}
