import { inlineSql, literal } from './inline-sql';

describe('inlineSql', () => {
  it('replaces each placeholder by its value as a literal, $10 apart from $1', () => {
    const values = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(inlineSql('SELECT $1, $10, $2', values)).toBe("SELECT 'v1', 'v10', 'v2'");
  });

  it('leaves placeholders inside literals, quoted identifiers, dollar quotes and comments alone', () => {
    const text = `SELECT '$1 it''s', "col$1", $$ $1 $$, $fn$ $1 $fn$ -- $1\n, /* $1 */ $1`;
    expect(inlineSql(text, ['x'])).toBe(`SELECT '$1 it''s', "col$1", $$ $1 $$, $fn$ $1 $fn$ -- $1\n, /* $1 */ 'x'`);
  });

  it('refuses a placeholder without a value', () => {
    expect(() => inlineSql('SELECT $1, $2', ['only one'])).toThrow(RangeError);
  });

  it('returns a statement without values as it is', () => {
    expect(inlineSql("SELECT '$1'", [])).toBe("SELECT '$1'");
  });
});

describe('literal', () => {
  it('quotes text, doubling quotes, and uses E-strings for backslashes', () => {
    expect(literal("o'k")).toBe("'o''k'");
    expect(literal('a\\b')).toBe("E'a\\\\b'");
  });

  it('writes null and undefined as NULL, and other values as pg sends them', () => {
    expect(literal(null)).toBe('NULL');
    expect(literal(undefined)).toBe('NULL');
    expect(literal(12)).toBe("'12'");
    expect(literal(12n)).toBe("'12'");
    expect(literal(false)).toBe("'false'");
    expect(literal({ a: "'" })).toBe(`'{"a":"''"}'`);
    expect(literal(['x', null])).toBe(`'{"x",NULL}'`);
  });

  it('refuses binary values', () => {
    expect(() => literal(Buffer.from('x'))).toThrow(TypeError);
  });
});
