import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { queryComplexityHook, queryComplexityRule, QueryTooComplexError } from './query-complexity';

const schema = buildSchema(`
  input FlagQuery { limit: Int, tag: String }
  type Clause { attribute: String, values: [String] }
  type Rule { id: ID, clauses: [Clause] }
  type Env { key: String, rules: [Rule] }
  type Flag { key: String, name: String, environments: [Env], prerequisite: Flag }
  type FlagList { items: [Flag], total: Int }
  type Query { flag(key: String): Flag, flags(query: FlagQuery): FlagList, projects(limit: Int): [Flag] }
`);

/** The defaults (config.ts): 15 levels let the standard introspection query (15 deep) through. */
const LIMITS = { maxDepth: 15, maxAliases: 50, maxCost: 20000 };

function problems(query: string, limits = LIMITS) {
  return validate(schema, parse(query), [queryComplexityRule(limits)]).map((e) => ({
    message: e.message,
    code: e.extensions.code,
    status: e.extensions.status,
  }));
}

describe('queryComplexityRule', () => {
  it('passes console-like queries and the introspection query', () => {
    expect(
      problems(`query Flags {
        flags(query: { limit: 50 }) { total items { key name environments { key rules { id clauses { attribute values } } } } }
        flag(key: "a") { key prerequisite { key name } }
      }`),
    ).toEqual([]);
    expect(problems(getIntrospectionQuery())).toEqual([]);
  });

  it('refuses an over-deep query', () => {
    const deep = `{ flag(key: "a") { ${'prerequisite { '.repeat(15)} key ${'} '.repeat(15)} } }`;
    expect(problems(deep)).toEqual([
      {
        message: 'the operation nests 17 levels deep; at most 15',
        code: 'graphql/query_too_complex',
        status: 400,
      },
    ]);
  });

  it('refuses 2,000 aliases, counting them through fragment spreads at every use', () => {
    const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: flag(key: "k${i}") { key }`).join(' ');
    expect(problems(`query Many { ${aliases} }`)).toEqual([
      expect.objectContaining({ message: "operation 'Many' has 2000 aliased fields; at most 50" }),
    ]);
    const fragment = `fragment F on Query { ${Array.from({ length: 10 }, (_, i) => `x${i}: flag { key }`).join(' ')} }`;
    const spreads = `{ ${Array.from({ length: 6 }, () => `... F`).join(' ')} } ${fragment}`;
    expect(problems(spreads)).toEqual([
      expect.objectContaining({ message: 'the operation has 60 aliased fields; at most 50' }),
    ]);
  });

  it('measures nested fragment fan-out without expanding it (a fragment bomb is refused, quickly)', () => {
    const levels = Array.from(
      { length: 30 },
      (_, i) => `fragment L${i} on Flag { a: prerequisite { ...L${i + 1} } b: prerequisite { ...L${i + 1} } }`,
    ).join('\n');
    const bomb = `{ flag(key: "x") { ...L0 } } ${levels} fragment L30 on Flag { key }`;
    const messages = problems(bomb, { maxDepth: 100, maxAliases: 50, maxCost: 20000 }).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringMatching(/has \d+ aliased fields; at most 50$/),
      expect.stringMatching(/costs \d+; at most 20000$/),
    ]);
  });

  it('multiplies the cost under a paginated field by its literal limit (capped), else the default page', () => {
    const wide = `key name ${Array.from({ length: 98 }, (_, i) => `n${i}: name`).join(' ')}`;
    // 100 fields per item: 200 items cost 1 (flags) + 200 × (1 + 1 (items) ... ) > 20000.
    expect(
      problems(`{ flags(query: { limit: 5000 }) { items { ${wide} } } }`, { ...LIMITS, maxAliases: 1000 }),
    ).toEqual([expect.objectContaining({ message: 'the operation costs 20201; at most 20000' })]);
    expect(problems(`{ flags(query: { limit: 10 }) { items { ${wide} } } }`, { ...LIMITS, maxAliases: 1000 })).toEqual(
      [],
    );
    expect(problems(`{ projects { ${wide} } }`, { ...LIMITS, maxAliases: 1000, maxCost: 5000 })).toEqual([
      expect.objectContaining({ message: 'the operation costs 5001; at most 5000' }),
    ]);
  });

  it('runs as a hook that throws before the other rules', () => {
    const hook = queryComplexityHook(LIMITS);
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: flag { key }`).join(' ');
    expect(() => hook(schema, parse(`{ ${aliases} }`))).toThrow(QueryTooComplexError);
    expect(() => hook(schema, parse(`{ flag { key } }`))).not.toThrow();
  });
});
