import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  type ArgumentNode,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  type DocumentNode,
  type ValidationContext,
  validate,
} from 'graphql';
import { ERROR_CATALOGUE } from '../../core/error-catalogue';

/**
 * What a query may ask for before anything executes: how deep its fields nest, how many aliased
 * fields it has, and its cost. Fragment spreads count as the fields they expand to, at every use;
 * each field costs 1, and the fields under a paginated field (one taking a `limit`, directly or in
 * an input object) cost that many times over (the literal limit, else DEFAULT_PAGE, at most
 * MAX_PAGE). 2,000 aliases of one field cost the server seconds to validate and run; the check
 * here is linear in the document (each fragment measured once) and runs before the other rules.
 */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

const ZERO: Measure = { depth: 0, aliases: 0, cost: 0 };

/** The validation rule: reports one graphql/query_too_complex error per limit the document exceeds. */
export function queryComplexityRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
      const measurer = new Measurer(context.getSchema(), fragments);
      for (const d of document.definitions) {
        if (d.kind !== Kind.OPERATION_DEFINITION) continue;
        const root = context.getSchema().getRootType(d.operation);
        const m = measurer.selectionSet(d.selectionSet, root ?? undefined);
        const name = d.name ? `operation '${d.name.value}'` : 'the operation';
        for (const message of overLimits(m, limits, name)) context.reportError(tooComplex(message));
      }
      return false; // measured: nothing below needs visiting by this rule
    },
  });
}

function overLimits(m: Measure, limits: QueryLimits, name: string): string[] {
  const over: string[] = [];
  if (m.depth > limits.maxDepth) over.push(`${name} nests ${m.depth} levels deep; at most ${limits.maxDepth}`);
  if (m.aliases > limits.maxAliases) over.push(`${name} has ${m.aliases} aliased fields; at most ${limits.maxAliases}`);
  if (m.cost > limits.maxCost) over.push(`${name} costs ${m.cost}; at most ${limits.maxCost}`);
  return over;
}

function tooComplex(message: string): GraphQLError {
  const code = 'graphql/query_too_complex';
  return new GraphQLError(message, { extensions: { code, status: ERROR_CATALOGUE[code].status } });
}

class Measurer {
  /** Each fragment measured once (its type condition fixes its parent type); `null` while in progress (a cycle). */
  private readonly memo = new Map<string, Measure | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  selectionSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined): Measure {
    let total = ZERO;
    for (const s of set.selections) {
      let m: Measure;
      if (s.kind === Kind.FIELD) {
        const def = fieldOf(parent, s.name.value);
        const type = def ? def.type : introspectionType(this.schema, s.name.value);
        const child = s.selectionSet ? this.selectionSet(s.selectionSet, type && getNamedType(type)) : ZERO;
        const page = def ? pageSize(def, s.arguments ?? []) : 1;
        m = { depth: 1 + child.depth, aliases: (s.alias ? 1 : 0) + child.aliases, cost: 1 + page * child.cost };
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const on = s.typeCondition ? this.schema.getType(s.typeCondition.name.value) : parent;
        m = this.selectionSet(s.selectionSet, on ?? undefined);
      } else {
        m = this.fragment(s.name.value);
      }
      total = { depth: Math.max(total.depth, m.depth), aliases: total.aliases + m.aliases, cost: total.cost + m.cost };
    }
    return total;
  }

  private fragment(name: string): Measure {
    if (this.memo.has(name)) return this.memo.get(name) ?? ZERO; // a cycle: NoFragmentCyclesRule reports it
    const def = this.fragments.get(name);
    if (!def) return ZERO; // KnownFragmentNamesRule reports it
    this.memo.set(name, null);
    const m = this.selectionSet(def.selectionSet, this.schema.getType(def.typeCondition.name.value) ?? undefined);
    this.memo.set(name, m);
    return m;
  }
}

function fieldOf(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (!parent || !('getFields' in parent)) return undefined;
  return (parent as GraphQLCompositeType & { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[
    name
  ];
}

/** __schema and __type are not fields of the query type, but their types are in the schema. */
function introspectionType(schema: GraphQLSchema, name: string): GraphQLOutputType | undefined {
  if (name === '__schema') return schema.getType('__Schema') as GraphQLOutputType | undefined;
  if (name === '__type') return schema.getType('__Type') as GraphQLOutputType | undefined;
  return undefined;
}

/** How many items a paginated field returns at most: its literal `limit` (clamped), else the default page. */
function pageSize(def: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[]): number {
  const paginated = def.args.some((a) => {
    if (a.name === 'limit') return true;
    const t = isNonNullType(a.type) ? a.type.ofType : a.type;
    return !isListType(t) && isInputObjectType(t) && 'limit' in t.getFields();
  });
  if (!paginated) return 1;
  const limit = literalLimit(args);
  return Math.min(MAX_PAGE, Math.max(1, limit ?? DEFAULT_PAGE));
}

function literalLimit(args: readonly ArgumentNode[]): number | undefined {
  for (const a of args) {
    if (a.name.value === 'limit' && a.value.kind === Kind.INT) return Number(a.value.value);
    if (a.value.kind === Kind.OBJECT)
      for (const f of a.value.fields)
        if (f.name.value === 'limit' && f.value.kind === Kind.INT) return Number(f.value.value);
  }
  return undefined;
}

/** Thrown by the preValidation hook; Mercurius renders `errors` (status 400) like its own validation errors. */
export class QueryTooComplexError extends Error {
  readonly statusCode = 400;

  constructor(readonly errors: readonly GraphQLError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'QueryTooComplexError';
  }
}

/**
 * A Mercurius preValidation hook running only queryComplexityRule, before the specified rules
 * (some of which are quadratic in the number of fields) and before any resolver.
 */
export function queryComplexityHook(limits: QueryLimits) {
  const rule = queryComplexityRule(limits);
  return (schema: GraphQLSchema, document: DocumentNode): void => {
    const errors = validate(schema, document, [rule]);
    if (errors.length) throw new QueryTooComplexError(errors);
  };
}
