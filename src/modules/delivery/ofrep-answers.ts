import {
  evaluateFlag,
  parseContext,
  type Context,
  type EvalDetail,
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
        const detail = evaluateFlag(this.store, this.keys[i], context);
        json = this.fragment(i, detail);
        served[i] = detail.variationIndex ?? NO_VARIATION;
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
    const flag = this.flags[i];
    if (detail.reason.kind === 'ERROR' || !flag) return bulkEntryJson(this.keys[i], detail, flag);
    const width = (flag.variations?.length ?? 0) + 1;
    const variation = detail.variationIndex ?? -1;
    // An index outside the variations (not served by a valid flag) is not worth a slot.
    if (variation >= width - 1) return bulkEntryJson(this.keys[i], detail, flag);
    const slot = REASON_SLOT[ofrepReason(detail, flag)] * width + variation + 1;
    const table = this.fragments[i];
    return (table[slot] ??= bulkEntryJson(this.keys[i], detail, flag));
  }
}

/** One entry of the bulk response: a success, or the flag's error (bulk never fails for one flag). */
export function bulkEntryJson(key: string, detail: EvalDetail, flag: SdkFlag | undefined): string {
  const r = ofrepResult(key, detail, flag);
  return JSON.stringify(r.ok ? r.body : { key, errorCode: r.error.errorCode, errorDetails: r.error.errorDetails });
}
