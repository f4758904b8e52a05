import { compareSemver, parseSemver, type SemVer } from './semver';

/**
 * Clause operators (protocols.md §2.5), compiled per clause: the clause values are filtered and
 * pre-parsed once for the operator (sets for `in`, RegExps, dates, semvers) so that matching a
 * context value is a tight loop. Semantics follow js-server-sdk-common's Operations:
 * - `in` is `===` (no coercion; arrays/objects never match);
 * - string ops need two strings; numeric ops two numbers;
 * - dates are numbers or strings matching the RFC 3339 prefix pattern, compared strictly;
 * - an unknown op never matches (negate still applies).
 */
export const enum Op {
  In,
  StartsWith,
  EndsWith,
  Contains,
  Matches,
  LessThan,
  LessThanOrEqual,
  GreaterThan,
  GreaterThanOrEqual,
  Before,
  After,
  SemVerEqual,
  SemVerLessThan,
  SemVerGreaterThan,
  SegmentMatch,
  Unknown,
}

const OPS: Record<string, Op> = {
  in: Op.In,
  startsWith: Op.StartsWith,
  endsWith: Op.EndsWith,
  contains: Op.Contains,
  matches: Op.Matches,
  lessThan: Op.LessThan,
  lessThanOrEqual: Op.LessThanOrEqual,
  greaterThan: Op.GreaterThan,
  greaterThanOrEqual: Op.GreaterThanOrEqual,
  before: Op.Before,
  after: Op.After,
  semVerEqual: Op.SemVerEqual,
  semVerLessThan: Op.SemVerLessThan,
  semVerGreaterThan: Op.SemVerGreaterThan,
  segmentMatch: Op.SegmentMatch,
};

export function opFromName(name: unknown): Op {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(OPS, name) ? OPS[name] : Op.Unknown;
}

// Go's time.RFC3339Nano shape, unanchored at the end exactly like the SDK's DateValidator.
const DATE_PATTERN = /^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d\d*)?(Z|[-+]\d\d(:\d\d)?)/;

// One-entry caches for context-side parsing: evaluating many flags for one context meets the same
// attribute value again and again (evaluateAll), so the last string parsed is usually the next one.
let lastDateInput: string | undefined;
let lastDate = NaN;
let lastSemverInput: string | undefined;
let lastSemver: SemVer | null = null;

/** A date operand as milliseconds, or NaN when the value is not a date (NaN compares false). */
export function toDate(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  if (value !== lastDateInput) {
    lastDate = DATE_PATTERN.test(value) ? Date.parse(value) : NaN;
    lastDateInput = value;
  }
  return lastDate;
}

function contextSemver(value: unknown): SemVer | null {
  if (typeof value !== 'string') return null;
  if (value !== lastSemverInput) {
    lastSemver = parseSemver(value);
    lastSemverInput = value;
  }
  return lastSemver;
}

const NONE = Symbol('none');

/** Pre-processed clause values for one operator. Exactly one of the typed lists is used per op. */
export class OperandSet {
  /** `in` with one primitive value: compared with `===`. */
  readonly single: unknown = NONE;
  /** `in` with several primitive values (Set.has is `===` for JSON primitives). */
  readonly set: Set<unknown> | null = null;
  readonly strings: readonly string[] = [];
  readonly numbers: readonly number[] = [];
  readonly regexps: readonly RegExp[] = [];
  readonly semvers: readonly SemVer[] = [];

  constructor(
    readonly op: Op,
    values: readonly unknown[],
  ) {
    switch (op) {
      case Op.In: {
        // Objects and arrays can never be `===` to a context value, so only primitives are kept.
        const prims = values.filter((v) => v === null || (typeof v !== 'object' && v !== undefined));
        if (prims.length === 1) this.single = prims[0];
        else this.set = new Set(prims);
        break;
      }
      case Op.StartsWith:
      case Op.EndsWith:
      case Op.Contains:
        this.strings = values.filter((v): v is string => typeof v === 'string');
        break;
      case Op.Matches: {
        const res: RegExp[] = [];
        for (const v of values) {
          if (typeof v !== 'string') continue;
          try {
            res.push(new RegExp(v));
          } catch {
            // An invalid pattern never matches.
          }
        }
        this.regexps = res;
        break;
      }
      case Op.LessThan:
      case Op.LessThanOrEqual:
      case Op.GreaterThan:
      case Op.GreaterThanOrEqual:
        this.numbers = values.filter((v): v is number => typeof v === 'number');
        break;
      case Op.Before:
      case Op.After:
        this.numbers = values.map(toDate).filter((t) => !Number.isNaN(t));
        break;
      case Op.SemVerEqual:
      case Op.SemVerLessThan:
      case Op.SemVerGreaterThan:
        this.semvers = values.map(parseSemver).filter((v): v is SemVer => v !== null);
        break;
      default:
        break;
    }
  }
}

function anySemver(a: SemVer, list: readonly SemVer[], want: number): boolean {
  for (let i = 0; i < list.length; i++) if (compareSemver(a, list[i]) === want) return true;
  return false;
}

/** Does one (non-array) context value match any clause value? */
export function matchValue(s: OperandSet, a: unknown): boolean {
  switch (s.op) {
    case Op.In:
      return s.set === null ? a === s.single : s.set.has(a);
    case Op.StartsWith:
      if (typeof a === 'string') for (const b of s.strings) if (a.startsWith(b)) return true;
      return false;
    case Op.EndsWith:
      if (typeof a === 'string') for (const b of s.strings) if (a.endsWith(b)) return true;
      return false;
    case Op.Contains:
      if (typeof a === 'string') for (const b of s.strings) if (a.indexOf(b) > -1) return true;
      return false;
    case Op.Matches:
      if (typeof a === 'string') for (const re of s.regexps) if (re.test(a)) return true;
      return false;
    case Op.LessThan:
      if (typeof a === 'number') for (const b of s.numbers) if (a < b) return true;
      return false;
    case Op.LessThanOrEqual:
      if (typeof a === 'number') for (const b of s.numbers) if (a <= b) return true;
      return false;
    case Op.GreaterThan:
      if (typeof a === 'number') for (const b of s.numbers) if (a > b) return true;
      return false;
    case Op.GreaterThanOrEqual:
      if (typeof a === 'number') for (const b of s.numbers) if (a >= b) return true;
      return false;
    case Op.Before: {
      if (s.numbers.length === 0) return false;
      const t = toDate(a);
      for (const b of s.numbers) if (t < b) return true;
      return false;
    }
    case Op.After: {
      if (s.numbers.length === 0) return false;
      const t = toDate(a);
      for (const b of s.numbers) if (t > b) return true;
      return false;
    }
    case Op.SemVerEqual:
    case Op.SemVerLessThan:
    case Op.SemVerGreaterThan: {
      if (s.semvers.length === 0) return false;
      const v = contextSemver(a);
      if (v === null) return false;
      return anySemver(v, s.semvers, s.op === Op.SemVerEqual ? 0 : s.op === Op.SemVerLessThan ? -1 : 1);
    }
    default:
      return false;
  }
}
