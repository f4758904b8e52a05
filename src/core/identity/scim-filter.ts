import type { ErrorCode } from '../error-catalogue';
import { DomainError } from '../errors';
import { canonicalPath, resolveAttribute, stripSchemaUrn } from './scim-path';
import type { ScimAttribute, ScimResourceSchema } from './scim-schema';

/**
 * The part of the SCIM filter language (RFC 7644 §3.4.2.2) that identity providers use to find a
 * resource before creating it: `attrPath eq value`, joined with `and`, in parentheses if one
 * likes. Everything else (`or`, `not`, `co`, `sw`, `pr`, `gt`..., value paths `emails[...]`) is
 * refused with a message that names it, never half-applied: a filter that matched more than it
 * said could link a person to someone else's account.
 */
export type ScimValue = string | number | boolean | null;

export interface Comparison {
  /** Canonical dotted path: `userName`, `emails.value`, `type`. */
  path: string;
  /** The attribute compared (its caseExact decides how strings compare). */
  attribute: ScimAttribute;
  value: ScimValue;
}

/** Turns an attribute path as written into its canonical path and attribute, or throws. */
export type AttributeResolver = (path: string) => { path: string; attribute: ScimAttribute };

export const MAX_FILTER_LENGTH = 1000;
const OTHER_OPERATORS = new Set(['ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);

class FilterParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly resolve: AttributeResolver,
    private readonly code: ErrorCode,
  ) {}

  parse(): Comparison[] {
    const result = this.conjunction();
    this.space();
    if (this.pos < this.text.length) {
      const word = this.word();
      if (word.toLowerCase() === 'or') throw this.fail("'or' is not supported; only 'and' joins comparisons");
      throw this.fail(`unexpected '${word || this.text[this.pos]}' at position ${this.pos}`);
    }
    return result;
  }

  private conjunction(): Comparison[] {
    const terms = this.term();
    for (;;) {
      const save = this.pos;
      this.space();
      if (this.word().toLowerCase() !== 'and') {
        this.pos = save;
        return terms;
      }
      terms.push(...this.term());
    }
  }

  private term(): Comparison[] {
    this.space();
    if (this.text[this.pos] === '(') {
      this.pos++;
      const inner = this.conjunction();
      this.space();
      if (this.text[this.pos] !== ')') throw this.fail(`expected ')' at position ${this.pos}`);
      this.pos++;
      return inner;
    }
    const start = this.pos;
    const path = this.word();
    if (!path) throw this.fail(`expected an attribute at position ${start}`);
    if (path.toLowerCase() === 'not') throw this.fail("'not' is not supported");
    if (this.text[this.pos] === '[') throw this.fail(`value paths such as '${path}[...]' are not supported`);
    const { path: canonical, attribute } = this.resolve(path);
    if (!this.space()) throw this.fail(`expected an operator after '${path}'`);
    const operator = this.word().toLowerCase();
    if (OTHER_OPERATORS.has(operator)) throw this.fail(`operator '${operator}' is not supported; use 'eq'`);
    if (operator !== 'eq') throw this.fail(`'${operator || this.text[this.pos]}' is not an operator`);
    if (!this.space()) throw this.fail(`expected a value after '${path} eq'`);
    return [{ path: canonical, attribute, value: this.value() }];
  }

  private value(): ScimValue {
    if (this.text[this.pos] === '"') {
      let end = this.pos + 1;
      while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === '\\' ? 2 : 1;
      if (end >= this.text.length) throw this.fail('unterminated string');
      const literal = this.text.slice(this.pos, end + 1);
      this.pos = end + 1;
      try {
        return JSON.parse(literal) as string;
      } catch {
        throw this.fail(`invalid string ${literal}`);
      }
    }
    const word = this.word();
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    if (/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(word)) return Number(word);
    throw this.fail(`'${word}' is not a value: strings are written in double quotes`);
  }

  /** Attribute paths (URNs included), operators and bare values: up to a space, a bracket or a parenthesis. */
  private word(): string {
    const match = /^[^\s()[\]"]*/.exec(this.text.slice(this.pos));
    const word = match?.[0] ?? '';
    this.pos += word.length;
    return word;
  }

  private space(): boolean {
    const start = this.pos;
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
    return this.pos > start;
  }

  private fail(message: string): DomainError {
    return new DomainError(this.code, `invalid filter '${this.text}': ${message}`);
  }
}

/** Parses a filter into the comparisons that must all hold. */
export function parseFilter(
  text: string,
  resolve: AttributeResolver,
  code: ErrorCode = 'scim/invalid_filter',
): Comparison[] {
  if (text.length > MAX_FILTER_LENGTH)
    throw new DomainError(code, `a filter is at most ${MAX_FILTER_LENGTH} characters long`);
  if (!text.trim()) throw new DomainError(code, 'the filter is empty');
  return new FilterParser(text, resolve, code).parse();
}

/** Resolves filter attributes against a resource's schema (top-level `?filter=`). */
export function resourceResolver(schema: ScimResourceSchema): AttributeResolver {
  return (written) => {
    const code = 'scim/invalid_filter';
    const { rest, ignored } = stripSchemaUrn(written, schema, code);
    const resolved = ignored ? { attribute: null } : resolveAttribute(rest, schema.attributes, code);
    const path = canonicalPath(resolved);
    if (path === null) throw new DomainError(code, `Gantry does not keep '${written}', so it cannot filter on it`);
    // A complex attribute compares by its `value` (RFC 7644 §3.4.2.2: `emails eq x` means `emails.value eq x`).
    const attribute = resolved.sub ?? resolved.attribute!;
    if (attribute.type === 'complex') {
      const value = attribute.subAttributes?.find((s) => s.name === 'value');
      if (!value) throw new DomainError(code, `'${written}' cannot be compared with eq`);
      return { path: `${path}.value`, attribute: value };
    }
    return { path, attribute };
  };
}

/** Whether one value of a multi-valued attribute (an email, a member) satisfies every comparison. */
export function matchesAll(element: Record<string, unknown>, comparisons: readonly Comparison[]): boolean {
  return comparisons.every((c) => sameValue(element[c.path], c.value, c.attribute.caseExact === true));
}

export function sameValue(actual: unknown, expected: ScimValue, caseExact: boolean): boolean {
  if (typeof actual === 'string' && typeof expected === 'string')
    return caseExact ? actual === expected : actual.toLowerCase() === expected.toLowerCase();
  return (actual ?? null) === expected;
}
