import {
  evaluateFlag,
  evaluateIndex,
  lastReason,
  parseContext,
  type Context,
  type EvalDetail,
  type EvalReason,
  type FlagStore,
  type SdkFlag,
} from '../../core/evaluation';
import { NO_VARIATION } from '../../core/insights/evaluation-tally';
import { isContextIndependent, ofrepReason, ofrepResult, type OfrepReason } from './ofrep-mapping';

/** Position of each OFREP reason in a flag's table of answers. */
const REASON_SLOT: Record<OfrepReason, number> = { STATIC: 0, TARGETING_MATCH: 1, SPLIT: 2, DISABLED: 3, UNKNOWN: 4 };

/** A valid context for evaluating flags that ignore the context. */
const ANY_CONTEXT: Context = (() => {
  const parsed = parseContext({ kind: 'user', key: 'any' });
  if (!parsed.ok) throw new Error('unreachable');
  return parsed.context;
})();

/**
 * The OFREP answers of one environment revision, as JSON text. Whatever the context, a flag answers
 * one of its variations (or none) with one reason, so the text of each (flag, reason, variation)
 * is built the first time it is served and reused until the revision changes; a flag whose answer
 * cannot depend on the context at all is evaluated and serialised once, up front. A bulk response
 * is then these fragments joined, and a single one is one fragment: no result objects, no
 * JSON.stringify per request. The text is what `JSON.stringify(ofrepResult(...).body)` gives
 * (ofrep-answers.spec.ts holds it to that).
 */
export class OfrepAnswers {
  /** Live flag keys, in the store's order (the order of a bulk response). */
  readonly keys: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly flags: (SdkFlag | undefined)[];
  /** Per flag: the answer for every context, when it has one. */
  private readonly constant: ({ json: string; variation: number } | undefined)[];
  /** Per flag: [reason slot * (variations + 1) + variation + 1] -> the fragment. */
  private readonly fragments: (string | undefined)[][];
  private readonly bulkSuffix: string;

  constructor(
    private readonly store: FlagStore,
    readonly revision: bigint,
  ) {
    this.keys = store.flagKeys();
    this.flags = this.keys.map((k) => store.rawFlag(k));
    this.fragments = this.keys.map(() => []);
    this.keys.forEach((k, i) => this.index.set(k, i));
    this.constant = this.flags.map((flag, i) => {
      if (!flag || !isContextIndependent(flag)) return undefined;
      const detail = evaluateFlag(store, this.keys[i], ANY_CONTEXT);
      return { json: this.fragment(i, detail), variation: detail.variationIndex ?? NO_VARIATION };
    });
    this.bulkSuffix = `],"metadata":{"revision":${revision}}}`;
  }

  /**
   * The bulk response body for a context, and the variation each flag served (`served[i]` for
   * `keys[i]`, NO_VARIATION when none).
   */
  bulk(context: Context): { body: string; served: number[] } {
    const n = this.keys.length;
    const served = new Array<number>(n);
    let body = '{"flags":[';
    for (let i = 0; i < n; i++) {
      const fixed = this.constant[i];
      let json: string;
      if (fixed) {
        json = fixed.json;
        served[i] = fixed.variation;
      } else {
        const variation = evaluateIndex(this.store, this.keys[i], context);
        const slot = this.slot(i, variation, lastReason());
        const known = slot < 0 ? undefined : this.fragments[i][slot];
        // Built (or an error entry, never kept) from the full result, evaluated again: once per slot.
        json = known ?? this.fragment(i, evaluateFlag(this.store, this.keys[i], context));
        served[i] = variation < 0 ? NO_VARIATION : variation;
      }
      body += i === 0 ? json : `,${json}`;
    }
    return { body: body + this.bulkSuffix, served };
  }

  /**
   * One flag's success body, or undefined when the detail is an error or the flag is not among
   * this revision's (the caller maps those with ofrepResult).
   */
  single(key: string, detail: EvalDetail): string | undefined {
    const i = this.index.get(key);
    if (i === undefined || detail.reason.kind === 'ERROR') return undefined;
    return this.fragment(i, detail);
  }

  /** The JSON of flag i's bulk entry for this detail, from the table when it has been built before. */
  private fragment(i: number, detail: EvalDetail): string {
    const slot = this.slot(i, detail.variationIndex ?? -1, detail.reason);
    if (slot < 0) return bulkEntryJson(this.keys[i], detail, this.flags[i]);
    const table = this.fragments[i];
    return (table[slot] ??= bulkEntryJson(this.keys[i], detail, this.flags[i]));
  }

  /** Where flag i's answer for this variation (-1: none) and reason is kept; -1 when it is not kept. */
  private slot(i: number, variation: number, reason: EvalReason): number {
    const flag = this.flags[i];
    if (reason.kind === 'ERROR' || !flag) return -1;
    const width = (flag.variations?.length ?? 0) + 1;
    // An index outside the variations (not served by a valid flag) is not worth a slot.
    if (variation >= width - 1) return -1;
    return REASON_SLOT[ofrepReason(reason, flag)] * width + variation + 1;
  }
}

/** One entry of the bulk response: a success, or the flag's error (bulk never fails for one flag). */
export function bulkEntryJson(key: string, detail: EvalDetail, flag: SdkFlag | undefined): string {
  const r = ofrepResult(key, detail, flag);
  return JSON.stringify(r.ok ? r.body : { key, errorCode: r.error.errorCode, errorDetails: r.error.errorDetails });
}
