/** A project's lifecycle settings: the thresholds of the states, the stale rules and the archival policy. */

export const ARCHIVAL_MODES = ['off', 'change_request', 'automatic'] as const;
export type ArchivalMode = (typeof ARCHIVAL_MODES)[number];

export interface ArchivalPolicy {
  /**
   * - `off`: stale flags are reported (and notified), never archived by Gantry.
   * - `change_request`: after the grace period an archival change request is opened where an
   *   environment the flag is in requires approval; elsewhere nothing is done.
   * - `automatic`: as `change_request`, and where no environment requires approval the flag is archived.
   */
  mode: ArchivalMode;
  /** Days a flag stays stale before the policy acts. */
  graceDays: number;
}

export interface LifecycleSettings {
  /** A flag is `new` for this many days after it was created. */
  newDays: number;
  /** Serving one variation to everyone for this many days makes an environment `rolled-out`. */
  rolledOutDays: number;
  /** Stale rule: not evaluated in the environment for this many days (null: rule off). */
  staleNotEvaluatedDays: number | null;
  /** Stale rule: serving one variation to everyone for this many days (null: rule off). */
  staleRolledOutDays: number | null;
  /** Stale rule: a temporary flag whose planned removal date has passed. */
  stalePastRemovalDate: boolean;
  /** Stale rule: no code references reported for the flag (once it is no longer new). */
  staleNoCodeReferences: boolean;
  archival: ArchivalPolicy;
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = Object.freeze({
  newDays: 7,
  rolledOutDays: 7,
  staleNotEvaluatedDays: 30,
  staleRolledOutDays: 14,
  stalePastRemovalDate: true,
  staleNoCodeReferences: false,
  archival: Object.freeze({ mode: 'off', graceDays: 7 }),
});

/** Thresholds are whole days up to ten years: enough for any policy, and no overflow in date arithmetic. */
export const MAX_DAYS = 3650;

/** Settings as stored: written whole, read over the defaults so a row missing a later field still reads. */
export function lifecycleSettingsOf(stored: Partial<LifecycleSettings> | null | undefined): LifecycleSettings {
  return {
    ...DEFAULT_LIFECYCLE_SETTINGS,
    ...(stored ?? {}),
    archival: { ...DEFAULT_LIFECYCLE_SETTINGS.archival, ...(stored?.archival ?? {}) },
  };
}
