/**
 * Flag-key patterns for guardrails: a glob, never a regex, so a pattern a project admin writes can
 * not make matching slow. `*` matches any run of characters (none included), `?` exactly one,
 * `[abc]`, `[a-z]` and `[!a-z]` one character of (or not of) a set; every other character is
 * literal. Matching is the classic two-pointer wildcard algorithm: at most O(key × pattern) steps,
 * whatever the pattern (no backtracking explosion is possible, unlike `new RegExp` over `.*` runs).
 */

export const MAX_PATTERN_LENGTH = 256;

type Token =
  { t: 'star' } | { t: 'one' } | { t: 'lit'; c: string } | { t: 'set'; negate: boolean; ranges: [string, string][] };

export interface KeyPattern {
  readonly source: string;
  readonly tokens: readonly Token[];
}

/** Compiles a pattern, or says why it is not one (empty, too long, an unclosed or reversed set). */
export function compileKeyPattern(source: string): KeyPattern | { error: string } {
  if (source.length === 0) return { error: 'must not be empty' };
  if (source.length > MAX_PATTERN_LENGTH) return { error: `must be at most ${MAX_PATTERN_LENGTH} characters` };
  const chars = [...source];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      // Consecutive stars mean one star.
      if (tokens[tokens.length - 1]?.t !== 'star') tokens.push({ t: 'star' });
    } else if (c === '?') tokens.push({ t: 'one' });
    else if (c === '[') {
      let j = i + 1;
      const negate = chars[j] === '!';
      if (negate) j++;
      const ranges: [string, string][] = [];
      // A `]` right after `[` or `[!` is a member, as in shell globs.
      let first = true;
      while (j < chars.length && (chars[j] !== ']' || first)) {
        first = false;
        const lo = chars[j];
        if (chars[j + 1] === '-' && j + 2 < chars.length && chars[j + 2] !== ']') {
          const hi = chars[j + 2];
          if (hi < lo) return { error: `character range '${lo}-${hi}' is reversed` };
          ranges.push([lo, hi]);
          j += 3;
        } else {
          ranges.push([lo, lo]);
          j++;
        }
      }
      if (j >= chars.length) return { error: `'[' at position ${i + 1} is not closed by ']'` };
      tokens.push({ t: 'set', negate, ranges });
      i = j;
    } else tokens.push({ t: 'lit', c });
  }
  return { source, tokens };
}

function matchesOne(token: Token, c: string): boolean {
  switch (token.t) {
    case 'one':
      return true;
    case 'lit':
      return token.c === c;
    case 'set':
      return token.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== token.negate;
    case 'star':
      return false;
  }
}

/**
 * Whether `key` matches the whole pattern. On a mismatch after a star, the star absorbs one more
 * character and matching resumes from just after it; only the last star is ever revisited, which
 * is what bounds the work (a later star subsumes what an earlier one could still try).
 */
export function matchesKeyPattern(pattern: KeyPattern, key: string): boolean {
  const s = [...key];
  const p = pattern.tokens;
  let si = 0;
  let pi = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (si < s.length) {
    if (pi < p.length && p[pi].t !== 'star' && matchesOne(p[pi], s[si])) {
      si++;
      pi++;
    } else if (pi < p.length && p[pi].t === 'star') {
      starAt = pi++;
      resumeAt = si;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      si = ++resumeAt;
    } else return false;
  }
  while (pi < p.length && p[pi].t === 'star') pi++;
  return pi === p.length;
}
