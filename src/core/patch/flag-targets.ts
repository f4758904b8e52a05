import { FlagEnvironmentConfig, Target } from '../model/flag-config';
import { USER_KIND } from './limits';

/**
 * Individual targets, following protocols.md §2.3: user-kind keys live in `targets`; other kinds in
 * `contextTargets`. Once `contextTargets` is non-empty the SDK walks only it, reaching user keys
 * through a placeholder `{contextKind:'user', variation, values: []}` per `targets` entry. So we keep
 * one placeholder for every `targets` entry (as LaunchDarkly does), and the placeholder's position
 * sets where that variation's user keys are checked relative to other kinds.
 */

export function isUserEntry(target: Target): boolean {
  return target.contextKind === undefined || target.contextKind === USER_KIND;
}

/** The variation that already targets `key` for `kind`, if any. */
export function targetingVariation(env: FlagEnvironmentConfig, kind: string, key: string): number | undefined {
  const entries = kind === USER_KIND ? env.targets : env.contextTargets.filter((target) => target.contextKind === kind);
  return entries.find((target) => target.values.includes(key))?.variation;
}

/** The entry holding `kind` keys for `variation`, created (at the end) when asked to. */
export function targetEntry(
  env: FlagEnvironmentConfig,
  kind: string,
  variation: number,
  create: boolean,
): Target | undefined {
  if (kind === USER_KIND) {
    const existing = env.targets.find((target) => target.variation === variation);
    if (existing || !create) return existing;
    const created: Target = { variation, values: [] };
    env.targets.push(created);
    env.contextTargets.push(userPlaceholder(variation));
    return created;
  }
  const existing = env.contextTargets.find((target) => target.contextKind === kind && target.variation === variation);
  if (existing || !create) return existing;
  const created: Target = { contextKind: kind, variation, values: [] };
  env.contextTargets.push(created);
  return created;
}

/**
 * Gives every `targets` entry its placeholder. Missing ones go first: data written without them was
 * either evaluated from `targets` alone (contextTargets empty), where user keys came first, or was
 * ignoring those user keys, which this repairs.
 */
export function ensureUserPlaceholders(env: FlagEnvironmentConfig): void {
  const missing = env.targets.filter(
    (target) => !env.contextTargets.some((entry) => isUserEntry(entry) && entry.variation === target.variation),
  );
  env.contextTargets.unshift(...missing.map((target) => userPlaceholder(target.variation)));
}

/** Drops empty entries and the placeholders (and duplicate placeholders) left without a `targets` entry. */
export function pruneTargets(env: FlagEnvironmentConfig): void {
  env.targets = env.targets.filter((target) => target.values.length > 0);
  const placed = new Set<number>();
  env.contextTargets = env.contextTargets.filter((entry) => {
    if (!isUserEntry(entry)) return entry.values.length > 0;
    const keep = !placed.has(entry.variation) && env.targets.some((target) => target.variation === entry.variation);
    placed.add(entry.variation);
    return keep;
  });
}

function userPlaceholder(variation: number): Target {
  return { contextKind: USER_KIND, variation, values: [] };
}
