import { Injectable } from '@nestjs/common';
import { ActiveGuardsRepository } from './active-guards.repository';

/** Feature events of these flags and custom events of these metrics are what a guard reads. */
export interface GuardedKeys {
  flags: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
}

/**
 * Longest an environment's answer is reused while its revision stays the same. A guarded release's
 * first step writes the flag (so the revision moves and the answer is read again); this bounds
 * what is missed of the rest: a release created while its environment is frozen, a pause, a resume.
 */
const MAX_AGE_MS = 15_000;

/**
 * Which SDK events of an environment some running or paused guarded release needs, for /bulk to
 * store those and only count the rest. Cached per environment and revision: one small indexed
 * query per environment when its configuration changes, none per request.
 */
@Injectable()
export class ActiveGuardsReadModel {
  private readonly cache = new Map<string, { revision: bigint; at: number; keys: Promise<GuardedKeys> }>();

  constructor(private readonly repo: ActiveGuardsRepository) {}

  /** Reads the environment again at the next request (a guarded release started on this node). */
  forget(environmentId: string): void {
    this.cache.delete(environmentId);
  }

  keysOf(environmentId: string, revision: bigint, now = Date.now()): Promise<GuardedKeys> {
    const hit = this.cache.get(environmentId);
    if (hit && hit.revision === revision && now - hit.at < MAX_AGE_MS) return hit.keys;
    const keys = this.repo.of(environmentId).then((rows) => ({
      flags: new Set(rows.map((r) => r.flagKey)),
      metrics: new Set(rows.flatMap((r) => r.metrics)),
    }));
    // A failed read is not remembered: the next request asks again.
    keys.catch(() => this.cache.delete(environmentId));
    this.cache.set(environmentId, { revision, at: now, keys });
    return keys;
  }
}
