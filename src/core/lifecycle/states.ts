/**
 * A flag's lifecycle state, computed from facts (never stored): per environment and overall.
 *
 * Per environment, in this order:
 * 1. `archived` — the flag is archived.
 * 2. `stale` — at least one enabled stale rule holds (the reasons say which):
 *    - notEvaluated: no evaluation counted in the environment for `staleNotEvaluatedDays` (counted
 *      from the last evaluation, or from the flag's creation when it never was evaluated);
 *    - rolledOut: serving one variation to everyone for `staleRolledOutDays`;
 *    - pastRemovalDate: a temporary flag whose `plannedRemovalDate` has passed;
 *    - noCodeReferences: no code reference reported, for a flag older than `newDays`.
 * 3. `rolled-out` — serving one variation to everyone for `rolledOutDays`.
 * 4. `new` — created less than `newDays` ago.
 * 5. `active` — anything else.
 *
 * Overall: `archived`; `stale` when every environment is stale (a flag still doing work somewhere
 * is not ready for cleanup); `rolled-out` when every environment is rolled out or stale; then `new`
 * or `active` by age. A project without environments is judged on the flag-level rules alone.
 */
import type { LifecycleSettings } from './settings';

export const LIFECYCLE_STATES = ['new', 'active', 'rolled-out', 'stale', 'archived'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export const STALE_RULES = ['notEvaluated', 'rolledOut', 'pastRemovalDate', 'noCodeReferences'] as const;
export type StaleRule = (typeof STALE_RULES)[number];

export interface LifecycleReason {
  rule: StaleRule | 'servingOneVariation';
  /** Set for reasons that belong to one environment. */
  environmentKey?: string;
  message: string;
}

export interface EnvironmentFacts {
  key: string;
  /** Since when the environment has served one variation to everyone; absent: it does not. */
  servingOneSince?: Date;
  /** The last evaluation counted (within the insights' retention); null: none. */
  lastEvaluatedAt: Date | null;
}

export interface FlagFacts {
  createdAt: Date;
  archived: boolean;
  temporary: boolean;
  /** ISO-8601 date or date-time. */
  plannedRemovalDate?: string | null;
  codeReferenceCount: number;
  environments: readonly EnvironmentFacts[];
}

export interface EnvironmentLifecycle {
  environmentKey: string;
  state: LifecycleState;
  reasons: LifecycleReason[];
}

export interface FlagLifecycle {
  state: LifecycleState;
  reasons: LifecycleReason[];
  environments: EnvironmentLifecycle[];
}

const DAY_MS = 86_400_000;
const days = (from: Date, to: Date) => (to.getTime() - from.getTime()) / DAY_MS;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The planned removal date as an instant: a bare date means the end of that day (UTC). */
export function removalInstant(date: string): Date | undefined {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T23:59:59.999Z`) : new Date(date);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** Rules about the flag itself, which hold in every environment alike. */
function flagLevelReasons(f: FlagFacts, s: LifecycleSettings, now: Date): LifecycleReason[] {
  const reasons: LifecycleReason[] = [];
  if (s.stalePastRemovalDate && f.temporary && f.plannedRemovalDate) {
    const at = removalInstant(f.plannedRemovalDate);
    if (at && at < now)
      reasons.push({
        rule: 'pastRemovalDate',
        message: `temporary flag past its planned removal date ${f.plannedRemovalDate}`,
      });
  }
  if (s.staleNoCodeReferences && f.codeReferenceCount === 0 && days(f.createdAt, now) >= s.newDays)
    reasons.push({ rule: 'noCodeReferences', message: 'no code references reported' });
  return reasons;
}

function environmentLifecycle(
  f: FlagFacts,
  e: EnvironmentFacts,
  s: LifecycleSettings,
  now: Date,
  flagReasons: LifecycleReason[],
): EnvironmentLifecycle {
  const at = (state: LifecycleState, reasons: LifecycleReason[] = []) => ({ environmentKey: e.key, state, reasons });
  if (f.archived) return at('archived');
  const reasons = [...flagReasons];
  const quietSince = e.lastEvaluatedAt ?? f.createdAt;
  if (s.staleNotEvaluatedDays !== null && days(quietSince, now) >= s.staleNotEvaluatedDays)
    reasons.push({
      rule: 'notEvaluated',
      environmentKey: e.key,
      message: e.lastEvaluatedAt
        ? `not evaluated since ${day(e.lastEvaluatedAt)} (${s.staleNotEvaluatedDays} days or more)`
        : `never evaluated since it was created on ${day(f.createdAt)} (${s.staleNotEvaluatedDays} days or more)`,
    });
  const servingDays = e.servingOneSince ? days(e.servingOneSince, now) : -1;
  if (e.servingOneSince && s.staleRolledOutDays !== null && servingDays >= s.staleRolledOutDays)
    reasons.push({
      rule: 'rolledOut',
      environmentKey: e.key,
      message: `serving one variation to everyone since ${day(e.servingOneSince)} (${s.staleRolledOutDays} days or more)`,
    });
  if (reasons.length) return at('stale', reasons);
  if (e.servingOneSince && servingDays >= s.rolledOutDays)
    return at('rolled-out', [
      {
        rule: 'servingOneVariation',
        environmentKey: e.key,
        message: `serving one variation to everyone since ${day(e.servingOneSince)}`,
      },
    ]);
  return at(days(f.createdAt, now) < s.newDays ? 'new' : 'active');
}

export function flagLifecycle(f: FlagFacts, s: LifecycleSettings, now: Date): FlagLifecycle {
  const flagReasons = f.archived ? [] : flagLevelReasons(f, s, now);
  const environments = f.environments.map((e) => environmentLifecycle(f, e, s, now, flagReasons));
  if (f.archived) return { state: 'archived', reasons: [], environments };
  const envReasons = environments.flatMap((e) => e.reasons.filter((r) => r.environmentKey !== undefined));
  const all = (states: LifecycleState[]) => environments.every((e) => states.includes(e.state));
  const stale = environments.length ? all(['stale']) : flagReasons.length > 0;
  if (stale) return { state: 'stale', reasons: [...flagReasons, ...envReasons], environments };
  if (environments.length && all(['stale', 'rolled-out']))
    return { state: 'rolled-out', reasons: envReasons, environments };
  return { state: days(f.createdAt, now) < s.newDays ? 'new' : 'active', reasons: [], environments };
}
