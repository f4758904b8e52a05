import { matchValue, opFromName, OperandSet } from './operators';
import { compareSemver, parseSemver } from './semver';

/** Does context value `a` match any of `values` under `op`? */
const match = (op: string, a: unknown, ...values: unknown[]) => matchValue(new OperandSet(opFromName(op), values), a);

describe('in', () => {
  it('is strict equality without coercion', () => {
    expect(match('in', 'a', 'b', 'a')).toBe(true);
    expect(match('in', 1, 1.0)).toBe(true);
    expect(match('in', 1, '1')).toBe(false);
    expect(match('in', '1', 1)).toBe(false);
    expect(match('in', true, 1)).toBe(false);
    expect(match('in', 1, true)).toBe(false);
    expect(match('in', false, false, 'x')).toBe(true);
    expect(match('in', null, null)).toBe(true); // only reachable for elements of an array attribute
  });

  it('never matches arrays or objects (===)', () => {
    expect(match('in', { a: 1 }, { a: 1 })).toBe(false);
    expect(match('in', [1], [1])).toBe(false);
  });

  it('works with one value and with many', () => {
    expect(match('in', 'x', 'x')).toBe(true);
    expect(match('in', 'y', 'x')).toBe(false);
    expect(match('in', 'k7', ...Array.from({ length: 50 }, (_, i) => `k${i}`))).toBe(true);
    expect(match('in', 'x')).toBe(false);
  });
});

describe('string operators', () => {
  it('need two strings and are case-sensitive', () => {
    expect(match('startsWith', 'abc', 'ab')).toBe(true);
    expect(match('startsWith', 'abc', 'AB')).toBe(false);
    expect(match('endsWith', 'abc', 'bc')).toBe(true);
    expect(match('contains', 'abc', 'b')).toBe(true);
    expect(match('contains', 123, '2')).toBe(false);
    expect(match('contains', '123', 2)).toBe(false);
  });

  it('matches is an unanchored JS regex search; an invalid pattern never matches', () => {
    expect(match('matches', 'hello world', 'o w')).toBe(true);
    expect(match('matches', 'hello', '^h.*o$')).toBe(true);
    expect(match('matches', 'hello', '^e')).toBe(false);
    expect(match('matches', 'hello', '[', 'ell')).toBe(true);
    expect(match('matches', 'hello', '[')).toBe(false);
    expect(match('matches', 5, '5')).toBe(false);
  });
});

describe('numeric operators', () => {
  it('compare JSON numbers only', () => {
    expect(match('lessThan', 1, 2)).toBe(true);
    expect(match('lessThan', 2, 2)).toBe(false);
    expect(match('lessThanOrEqual', 2, 2)).toBe(true);
    expect(match('greaterThan', 3, 2)).toBe(true);
    expect(match('greaterThanOrEqual', 2, 2.0)).toBe(true);
    expect(match('lessThan', '1', 2)).toBe(false);
    expect(match('lessThan', 1, '2')).toBe(false);
  });
});

describe('date operators', () => {
  const t = Date.UTC(2017, 11, 6);
  it('accept epoch millis and RFC 3339 strings with a zone', () => {
    expect(match('before', t - 1, t)).toBe(true);
    expect(match('before', '2017-12-05T23:59:59Z', t)).toBe(true);
    expect(match('after', '2017-12-06T01:00:00+01:00', t - 1)).toBe(true);
    expect(match('after', t + 1, '2017-12-06T00:00:00.000Z')).toBe(true);
    expect(match('before', '2017-12-05T23:00:00-07', t)).toBe(false); // -07: 06:00Z, later
  });

  it('are strict: equal instants match neither', () => {
    expect(match('before', t, t)).toBe(false);
    expect(match('after', '2017-12-06T00:00:00Z', t)).toBe(false);
  });

  it.each([['2017-12-06'], ['1512543600000'], [true], ['2017-12-06T00:00:00'], ['not a date']])(
    '%j is not a date',
    (bad) => {
      expect(match('before', bad, t + 1e12)).toBe(false);
      expect(match('after', bad, 0)).toBe(false);
      expect(match('after', t, bad)).toBe(false);
    },
  );
});

describe('semver', () => {
  const v = (s: string) => parseSemver(s)?.version ?? null;
  it('parses strictly, padding missing minor/patch', () => {
    expect(v('1.2.3')).toBe('1.2.3');
    expect(v('1')).toBe('1.0.0');
    expect(v('1.2')).toBe('1.2.0');
    expect(v('1.2-beta')).toBe('1.2.0-beta');
    expect(v('1.2.3-rc.1+build.5')).toBe('1.2.3-rc.1');
    expect(v(' 1.2.3 ')).toBe('1.2.3'); // the semver package trims
  });

  it.each(['v1.2.3', '02.0.0', '2.0.0.0', '1.2.3-01', '', 'x', '1.2.3-', '1.2.3+'])('rejects %j', (s) => {
    expect(parseSemver(s)).toBeNull();
  });

  it('orders by SemVer 2.0 precedence, ignoring build metadata', () => {
    const cmp = (a: string, b: string) => compareSemver(parseSemver(a)!, parseSemver(b)!);
    expect(cmp('1.0.0', '1.0.0+build')).toBe(0);
    expect(cmp('1.0.0-alpha', '1.0.0')).toBe(-1);
    expect(cmp('1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
    expect(cmp('1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe(-1);
    expect(cmp('1.0.0-beta.2', '1.0.0-beta.11')).toBe(-1);
    expect(cmp('1.0.0-rc.1', '1.0.0-beta.11')).toBe(1);
    expect(cmp('2.0.0', '10.0.0')).toBe(-1);
    expect(cmp('1.2', '1.2.0')).toBe(0);
  });

  it('drives the semVer operators; invalid values never match', () => {
    expect(match('semVerEqual', '2.0', '2.0.0')).toBe(true);
    expect(match('semVerLessThan', '2.0.0-rc', '2.0.0')).toBe(true);
    expect(match('semVerGreaterThan', '2.0.1', '2.0.0')).toBe(true);
    expect(match('semVerEqual', 'v2.0.0', '2.0.0')).toBe(false);
    expect(match('semVerEqual', '2.0.0', 'v2.0.0')).toBe(false);
    expect(match('semVerEqual', 2, '2.0.0')).toBe(false);
  });
});

describe('unknown operators', () => {
  it('never match', () => {
    expect(opFromName('doesNotExist')).toBe(opFromName(undefined));
    expect(match('doesNotExist', 'a', 'a')).toBe(false);
    expect(match('toString', 'a', 'a')).toBe(false);
  });
});
