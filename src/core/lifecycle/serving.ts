/**
 * "Serving one variation to everyone": whether an environment's configuration can answer only one
 * variation whatever the context, and since which version it has done so.
 *
 * Decisions (documented in the README's "Flag lifecycle"):
 * - A flag that is off serves its `offVariation` to everyone (null: the SDK's default value, which
 *   is still one value for everyone), so "off" counts as serving one variation.
 * - A flag that is on serves one variation when the fallthrough, every rule and every non-empty
 *   target list serve the same variation (a rollout with all its weight on one variation counts as
 *   that variation). Prerequisites make it not single: a failing prerequisite serves the off variation.
 * - History is read from the kept versions, newest first: the run of versions serving the same
 *   single variation as today starts at the oldest version of that run. If versions were pruned
 *   the oldest kept one is the best knowledge (it is never later than the truth).
 */
import type { FlagEnvironmentConfig, VariationOrRollout } from '../model/flag-config';

/** What everyone is served: `variation` null = the SDK default (off with no off variation). */
export interface ServedToEveryone {
  variation: number | null;
  off: boolean;
}

/** The one variation a fallthrough or rule serves, or undefined when it can serve several. */
export function singleVariationOf(v: VariationOrRollout): number | undefined {
  if (v.variation !== undefined && v.variation !== null) return v.variation;
  const weighted = v.rollout?.variations.filter((w) => w.weight > 0) ?? [];
  return weighted.length === 1 ? weighted[0].variation : undefined;
}

export function servedToEveryone(config: FlagEnvironmentConfig): ServedToEveryone | undefined {
  if (!config.on) return { variation: config.offVariation ?? null, off: true };
  if (config.prerequisites.length) return undefined;
  const served = singleVariationOf(config.fallthrough);
  if (served === undefined) return undefined;
  const targets = [...config.targets, ...config.contextTargets].filter((t) => t.values.length > 0);
  if (targets.some((t) => t.variation !== served)) return undefined;
  if (config.rules.some((r) => singleVariationOf(r) !== served)) return undefined;
  return { variation: served, off: false };
}

export interface ConfigAtVersion {
  version: number;
  createdAt: Date;
  config: FlagEnvironmentConfig;
}

export interface ServingOne {
  variation: number | null;
  off: boolean;
  /** When the oldest version of the run serving this variation to everyone was written. */
  since: Date;
}

/**
 * Since when the environment has served one variation to everyone, from its versions (any order;
 * the newest is taken as the current configuration). Undefined: it does not now (or no versions).
 * A run is the same variation and the same on/off state: turning a flag off that served `true`
 * to everyone is a change a team made on purpose, so the clock starts again.
 */
export function servingOneSince(versions: readonly ConfigAtVersion[]): ServingOne | undefined {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const now = newestFirst[0] && servedToEveryone(newestFirst[0].config);
  if (!now) return undefined;
  let since = newestFirst[0].createdAt;
  for (const v of newestFirst.slice(1)) {
    const then = servedToEveryone(v.config);
    if (!then || then.variation !== now.variation || then.off !== now.off) break;
    since = v.createdAt;
  }
  return { ...now, since };
}
