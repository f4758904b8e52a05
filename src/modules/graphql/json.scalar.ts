import { GraphQLScalarType, Kind, type ObjectValueNode, type ValueNode } from 'graphql';

/**
 * Any JSON value (variation values, clause values, policies, instructions, audit snapshots). Written
 * here rather than pulled in as a package: a literal is turned into the JSON it spells, variables
 * inside it included; output is passed through as it is.
 */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: object, array, string, number, boolean or null.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literal(ast, variables ?? undefined),
});

function literal(ast: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return object(ast, variables);
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      // Enum literals are not JSON; GraphQL reports the argument as invalid.
      return undefined;
  }
}

function object(ast: ObjectValueNode, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ast.fields) {
    // Same refusal as the REST body parser (onProtoPoisoning: 'error').
    if (f.name.value === '__proto__') throw new TypeError('__proto__ is not allowed in JSON input');
    out[f.name.value] = literal(f.value, variables);
  }
  return out;
}
