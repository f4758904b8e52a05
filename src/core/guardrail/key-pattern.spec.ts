import { compileKeyPattern, matchesKeyPattern, MAX_PATTERN_LENGTH, type KeyPattern } from './key-pattern';

const compiled = (source: string): KeyPattern => {
  const p = compileKeyPattern(source);
  if ('error' in p) throw new Error(p.error);
  return p;
};
const matches = (source: string, key: string) => matchesKeyPattern(compiled(source), key);

describe('flag-key patterns (globs)', () => {
  it('matches literals, * and ? over the whole key', () => {
    expect(matches('checkout', 'checkout')).toBe(true);
    expect(matches('checkout', 'checkout-2')).toBe(false);
    expect(matches('team-*', 'team-a.flag')).toBe(true);
    expect(matches('team-*', 'team-')).toBe(true);
    expect(matches('team-*', 'my-team-a')).toBe(false);
    expect(matches('*-temp', 'x-temp')).toBe(true);
    expect(matches('*-temp', 'x-temp-no')).toBe(false);
    expect(matches('a?c', 'abc')).toBe(true);
    expect(matches('a?c', 'ac')).toBe(false);
    expect(matches('*a*b*', 'xxaxxbxx')).toBe(true);
    expect(matches('*a*b*', 'xxbxxaxx')).toBe(false);
    expect(matches('**x', 'yx')).toBe(true);
  });

  it('matches character sets, ranges and negated sets', () => {
    expect(matches('[a-z]*', 'checkout')).toBe(true);
    expect(matches('[a-z]*', 'Checkout')).toBe(false);
    expect(matches('[!A-Z]*', 'checkout')).toBe(true);
    expect(matches('[!A-Z]*', 'Checkout')).toBe(false);
    expect(matches('v[0-9][0-9]', 'v42')).toBe(true);
    expect(matches('v[0-9][0-9]', 'v4x')).toBe(false);
    expect(matches('[-_.]x', '.x')).toBe(true);
    expect(matches('[]]', ']')).toBe(true);
    // A * or ? inside a set is literal.
    expect(matches('[*]', '*')).toBe(true);
    expect(matches('[*]', 'a')).toBe(false);
  });

  it('refuses empty, over-long, unclosed and reversed patterns', () => {
    expect(compileKeyPattern('')).toEqual({ error: 'must not be empty' });
    expect(compileKeyPattern('a'.repeat(MAX_PATTERN_LENGTH))).not.toHaveProperty('error');
    expect(compileKeyPattern('a'.repeat(MAX_PATTERN_LENGTH + 1))).toEqual({
      error: `must be at most ${MAX_PATTERN_LENGTH} characters`,
    });
    expect(compileKeyPattern('team-[a-z')).toEqual({ error: "'[' at position 6 is not closed by ']'" });
    expect(compileKeyPattern('[z-a]')).toEqual({ error: "character range 'z-a' is reversed" });
  });

  it('stays linear on patterns that make backtracking regexes explode', () => {
    // As a RegExp, ^(.*a){20}$ against 128 a's and a b takes astronomically long; here it is bounded
    // by key × pattern steps. The assertion is the result; the bound is the algorithm's.
    const pattern = compiled('*a'.repeat(100) + 'c');
    expect(matchesKeyPattern(pattern, 'a'.repeat(127) + 'b')).toBe(false);
    expect(matchesKeyPattern(compiled('*a'.repeat(20)), 'a'.repeat(128))).toBe(true);
  });
});
