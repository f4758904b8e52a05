/**
 * Evaluation counts as aggregates: per environment, flag, variation, SDK and minute. Each API node
 * adds what it is told (LaunchDarkly summary events, OFREP evaluations) to a tally in memory and
 * flushes it to the database now and then, so a fleet's traffic costs a row per combination and
 * minute rather than a row per event.
 */

/** Variation index of an evaluation that served no variation (the SDK's default: flag off without one, unknown flag, error). */
export const NO_VARIATION = -1;

const MINUTE_MS = 60_000;
/** A summary's end older than this, or in the future, is the SDK's clock talking: counted at receipt. */
const MAX_SKEW_MS = 24 * 3_600_000;
const MAX_SDK_LABEL = 64;
const MAX_FLAG_KEY = 256;

export interface EvaluationCount {
  environmentId: string;
  flagKey: string;
  variation: number;
  sdk: string;
  /** The minute (UTC, truncated) the evaluations are counted in. */
  bucket: Date;
  count: number;
  /** The latest evaluation counted (end of the summary, or the OFREP request). */
  lastAt: Date;
}

export const minuteOf = (at: Date): Date => new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);

/** The SDK named by a request: its User-Agent's first product token (`NodeJSClient/9.13.7`), or `unknown`. */
export function sdkLabel(userAgent: string | undefined, prefix = ''): string {
  const token = /^[A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)?/.exec(userAgent?.trim() ?? '')?.[0];
  return `${prefix}${token ?? 'unknown'}`.slice(0, MAX_SDK_LABEL);
}

/** Rows by variation + 1, of each flag key of a list, at the key's position (undefined: not counted). */
type RowLists = Map<readonly string[], ((EvaluationCount | undefined)[] | undefined)[]>;

export class EvaluationTally {
  /** The rows, in the order they were first counted (the order `drain` returns them in). */
  private rows: EvaluationCount[] = [];
  /**
   * The same rows by environment, SDK and minute, then flag key, then variation + 1. An OFREP bulk
   * answer counts ~50 flags per request: one group lookup, then per flag one lookup by a key string
   * the snapshot already holds (its hash is cached), rather than a composite key built per flag.
   */
  private groups = new Map<string, Map<string, (EvaluationCount | undefined)[]>>();
  /**
   * Per group, per list of flag keys counted with addAll (an OFREP revision's keys, the same array
   * on every request of that revision): each key's rows by variation, at the key's position. A bulk
   * answer then costs one array read and one increment per flag, no lookup by key.
   */
  private lists = new Map<Map<string, (EvaluationCount | undefined)[]>, RowLists>();
  /** The group addAll counted into last. */
  private lastGroup?: {
    environmentId: string;
    sdk: string;
    bucketMs: number;
    bucket: Date;
    group: Map<string, (EvaluationCount | undefined)[]>;
  };

  get size(): number {
    return this.rows.length;
  }

  add(environmentId: string, flagKey: string, variation: number, sdk: string, at: Date, count = 1): void {
    if (!(count > 0) || !Number.isSafeInteger(count) || !flagKey || flagKey.length > MAX_FLAG_KEY) return;
    const v = Number.isInteger(variation) && variation >= 0 ? variation : NO_VARIATION;
    this.merge({ environmentId, flagKey, variation: v, sdk, bucket: minuteOf(at), count, lastAt: at });
  }

  /**
   * One evaluation of each `flagKeys[i]`, serving `variations[i]` (an OFREP bulk answer): the
   * minute and the group are worked out once for the whole answer.
   */
  addAll(
    environmentId: string,
    flagKeys: readonly string[],
    variations: readonly number[],
    sdk: string,
    at: Date,
  ): void {
    // Compared as numbers: `Date > Date` converts both through valueOf, ~20× the cost of the
    // rest of a flag's counting (it was most of the time counting took).
    const atMs = at.getTime();
    const bucketMs = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    // Consecutive answers are mostly for the same environment, SDK and minute: no key to build then.
    let last = this.lastGroup;
    if (!last || last.bucketMs !== bucketMs || last.environmentId !== environmentId || last.sdk !== sdk) {
      const bucket = new Date(bucketMs);
      last = this.lastGroup = { environmentId, sdk, bucketMs, bucket, group: this.group(environmentId, sdk, bucket) };
    }
    const { bucket, group } = last;
    const rowsOf = this.rowsByPosition(group, flagKeys);
    for (let i = 0; i < flagKeys.length; i++) {
      const byVariation = rowsOf[i];
      if (byVariation === undefined) continue; // a key that is not counted
      const flagKey = flagKeys[i];
      const variation = Number.isInteger(variations[i]) && variations[i] >= 0 ? variations[i] : NO_VARIATION;
      const row = byVariation[variation + 1];
      if (row) {
        row.count++;
        if (atMs > row.lastAt.getTime()) row.lastAt = at;
      } else {
        const created = { environmentId, flagKey, variation, sdk, bucket, count: 1, lastAt: at };
        byVariation[variation + 1] = created;
        this.rows.push(created);
      }
    }
  }

  /** The group's rows of each of `flagKeys` (undefined for a key that is not counted), made once per list. */
  private rowsByPosition(
    group: Map<string, (EvaluationCount | undefined)[]>,
    flagKeys: readonly string[],
  ): ((EvaluationCount | undefined)[] | undefined)[] {
    let lists = this.lists.get(group);
    if (!lists) this.lists.set(group, (lists = new Map() as RowLists));
    let rows = lists.get(flagKeys);
    if (!rows) {
      // Lists are few (one per revision served this minute); a list no longer counted leaves with its group.
      rows = flagKeys.map((flagKey) => {
        if (!flagKey || flagKey.length > MAX_FLAG_KEY) return undefined;
        let byVariation = group.get(flagKey);
        if (!byVariation) group.set(flagKey, (byVariation = []));
        return byVariation;
      });
      lists.set(flagKeys, rows);
    }
    return rows;
  }

  private group(environmentId: string, sdk: string, bucket: Date): Map<string, (EvaluationCount | undefined)[]> {
    const key = `${environmentId}\u0000${sdk}\u0000${bucket.getTime()}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Map<string, (EvaluationCount | undefined)[]>()));
    return group;
  }

  private merge(r: EvaluationCount): void {
    const group = this.group(r.environmentId, r.sdk, r.bucket);
    let byVariation = group.get(r.flagKey);
    if (!byVariation) group.set(r.flagKey, (byVariation = []));
    const row = byVariation[r.variation + 1];
    if (!row) {
      const created = { ...r };
      byVariation[r.variation + 1] = created;
      this.rows.push(created);
    } else {
      row.count += r.count;
      if (r.lastAt.getTime() > row.lastAt.getTime()) row.lastAt = r.lastAt;
    }
  }

  /**
   * Counts one LaunchDarkly summary event: each flag's counters (variation, count), at the summary's
   * end (or at `receivedAt` when that is unbelievable). Returns how many evaluations it counted.
   */
  addSummary(environmentId: string, event: Record<string, unknown>, sdk: string, receivedAt: Date): number {
    const features = event.features;
    if (!features || typeof features !== 'object' || Array.isArray(features)) return 0;
    const end = typeof event.endDate === 'number' ? event.endDate : NaN;
    const at = Math.abs(end - receivedAt.getTime()) <= MAX_SKEW_MS ? new Date(end) : receivedAt;
    let counted = 0;
    for (const [flagKey, feature] of Object.entries(features as Record<string, unknown>)) {
      const counters = (feature as { counters?: unknown } | null)?.counters;
      if (!Array.isArray(counters)) continue;
      for (const c of counters as Record<string, unknown>[]) {
        if (!c || typeof c !== 'object' || c.unknown === true) continue;
        const count = c.count;
        if (typeof count !== 'number' || !Number.isSafeInteger(count) || count <= 0) continue;
        this.add(environmentId, flagKey, typeof c.variation === 'number' ? c.variation : NO_VARIATION, sdk, at, count);
        counted += count;
      }
    }
    return counted;
  }

  /** Everything counted so far, and an empty tally. */
  drain(): EvaluationCount[] {
    const rows = this.rows;
    this.rows = [];
    this.groups = new Map();
    this.lists = new Map();
    this.lastGroup = undefined;
    return rows;
  }

  /** Puts back rows a flush could not write (added to whatever was counted since). */
  restore(rows: EvaluationCount[]): void {
    for (const r of rows) this.merge(r);
  }
}
