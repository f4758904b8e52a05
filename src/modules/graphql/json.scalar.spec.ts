import { parseValue, valueFromAST } from 'graphql';
import { GraphQLJSON } from './json.scalar';

const literal = (source: string, variables?: Record<string, unknown>) =>
  valueFromAST(parseValue(source), GraphQLJSON, variables);

describe('JSON scalar', () => {
  it('reads literals as the JSON they spell', () => {
    expect(
      literal('{ kind: "addRule", clauses: [{ attribute: "country", values: ["de", 1, 2.5, true, null] }] }'),
    ).toEqual({
      kind: 'addRule',
      clauses: [{ attribute: 'country', values: ['de', 1, 2.5, true, null] }],
    });
    expect(literal('null')).toBeNull();
    expect(literal('[]')).toEqual([]);
  });

  it('substitutes variables nested in a literal', () => {
    expect(literal('{ kind: "addTargets", values: $v }', { v: ['a', 'b'] })).toEqual({
      kind: 'addTargets',
      values: ['a', 'b'],
    });
  });

  it('passes variables and output through unchanged', () => {
    const v = { a: [1, { b: null }] };
    expect(GraphQLJSON.parseValue(v)).toBe(v);
    expect(GraphQLJSON.serialize(v)).toBe(v);
  });

  it('refuses __proto__ keys and enum literals', () => {
    expect(literal('{ __proto__: { admin: true } }')).toBeUndefined();
    expect(literal('SOME_ENUM')).toBeUndefined();
  });
});
