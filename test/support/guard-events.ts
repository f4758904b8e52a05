/**
 * Real SDK events for guarded releases, sent through POST /bulk as an SDK would: a feature event says
 * which variation a context saw (0 the old one, 1 the released one), a custom event carries the metric.
 *
 *   await feedGuardEvents(gantry, sdkKey, flagKey, { prefix: 'bad', perArm: 400, errorsOld: 4, errorsNew: 120 });
 */
import type { Gantry } from './app-harness';

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
