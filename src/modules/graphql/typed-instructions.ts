import { DomainError } from '../../core/errors';
import { INSTRUCTION_COMPONENTS, INSTRUCTION_SCHEMAS, refName, type JsonSchema } from '../../core/patch';

/**
 * Typed semantic-patch instructions for GraphQL, derived from the instruction schemas of core/patch
 * so that they cannot drift: one input object per kind (`FlagAddRuleInput`...), and per resource a
 * `@oneOf` input with one field per kind (`FlagInstructionInput { addRule: FlagAddRuleInput, turnFlagOn:
 * Boolean, ... }`). This file is the plan (which types, which fields: plain data, no Nest) and the
 * conversion of a typed list back into the instruction objects the one write path takes;
 * instruction-inputs.ts turns the plan into code-first classes.
 *
 * GraphQL has no maps: a rollout's weights are a list of `{ variationId, weight }` there.
 */

export type TypedResource = 'Flag' | 'Segment';
export const TYPED_RESOURCES: readonly TypedResource[] = ['Flag', 'Segment'];

export type GqlScalar = 'String' | 'Int' | 'Float' | 'Boolean' | 'JSON';
export type GqlTypeRef = { scalar: GqlScalar } | { input: string } | { enum: string };

export interface GqlFieldPlan {
  name: string;
  type: GqlTypeRef;
  /** A list of non-null items. */
  list: boolean;
  nullable: boolean;
  description?: string;
}

export interface GqlInputPlan {
  name: string;
  description?: string;
  oneOf?: boolean;
  fields: GqlFieldPlan[];
}

export interface GqlEnumPlan {
  name: string;
  values: string[];
  description?: string;
}

export interface TypedInstructionPlan {
  inputs: GqlInputPlan[];
  enums: GqlEnumPlan[];
}

export const unionInputName = (resource: TypedResource) => `${resource}InstructionInput`;
export const kindInputName = (resource: TypedResource, kind: string) =>
  `${resource}${kind[0].toUpperCase()}${kind.slice(1)}Input`;

const ROLLOUT_WEIGHT_INPUT: GqlInputPlan = {
  name: 'RolloutWeightInput',
  description: 'one variation of a percentage rollout and its weight',
  fields: [
    { name: 'variationId', type: { scalar: 'String' }, list: false, nullable: false, description: 'by its `_id`' },
    {
      name: 'weight',
      type: { scalar: 'Int' },
      list: false,
      nullable: false,
      description: 'thousandths of a percent; the weights of a rollout add up to 100000',
    },
  ],
};

/** A component GraphQL can use: a oneOf of objects (ClauseInput) is merged into one input with the fields of all. */
function objectView(name: string): JsonSchema {
  const schema = INSTRUCTION_COMPONENTS[name];
  if (!schema) throw new Error(`no instruction component ${name}`);
  if (!schema.oneOf) return schema;
  const variants = schema.oneOf.map((variant) => objectView(refName(variant) ?? ''));
  const properties: Record<string, JsonSchema> = {};
  for (const variant of variants) {
    for (const [field, fieldSchema] of Object.entries(variant.properties ?? {})) {
      const seen = properties[field];
      if (!seen) properties[field] = fieldSchema;
      else if (seen.enum && fieldSchema.enum)
        properties[field] = { ...seen, enum: [...seen.enum, ...fieldSchema.enum] };
      else if (fieldSchema.type === 'array' && fieldSchema.items?.anyOf) properties[field] = fieldSchema;
    }
  }
  const required = variants
    .map((variant) => variant.required ?? [])
    .reduce((all, names) => all.filter((n) => names.includes(n)));
  return { type: 'object', description: schema.description, properties, required };
}

function planOf(): TypedInstructionPlan {
  const inputs = new Map<string, GqlInputPlan>();
  const enums = new Map<string, GqlEnumPlan>();

  const typeOf = (schema: JsonSchema, owner: string, field: string): { type: GqlTypeRef; list: boolean } => {
    const ref = refName(schema);
    if (ref === 'RolloutWeights') {
      inputs.set(ROLLOUT_WEIGHT_INPUT.name, ROLLOUT_WEIGHT_INPUT);
      return { type: { input: ROLLOUT_WEIGHT_INPUT.name }, list: true };
    }
    if (ref) return { type: { input: shared(ref) }, list: false };
    if (schema.anyOf) return { type: { scalar: 'JSON' }, list: false };
    if (schema.type === 'array' && schema.items) {
      const item = typeOf(schema.items, owner, field);
      if (item.list) throw new Error(`${owner}.${field}: lists of lists have no GraphQL input`);
      return { type: item.type, list: true };
    }
    if (schema.type === 'string' && schema.enum) {
      const name = `${owner.replace(/Input$/, '')}${field[0].toUpperCase()}${field.slice(1)}`;
      enums.set(name, { name, values: schema.enum.map(String), description: schema.description });
      return { type: { enum: name }, list: false };
    }
    const scalars: Partial<Record<NonNullable<JsonSchema['type']>, GqlScalar>> = {
      string: 'String',
      integer: 'Int',
      number: 'Float',
      boolean: 'Boolean',
    };
    const scalar = schema.type && scalars[schema.type];
    if (!scalar) throw new Error(`${owner}.${field}: no GraphQL type for ${JSON.stringify(schema)}`);
    return { type: { scalar }, list: false };
  };

  const fieldsOf = (owner: string, schema: JsonSchema): GqlFieldPlan[] =>
    Object.entries(schema.properties ?? {})
      .filter(([name]) => name !== 'kind')
      .map(([name, fieldSchema]) => ({
        name,
        ...typeOf(fieldSchema, owner, name),
        nullable: !(schema.required ?? []).includes(name) || fieldSchema.nullable === true,
        description: fieldSchema.description ?? INSTRUCTION_COMPONENTS[refName(fieldSchema) ?? '']?.description,
      }));

  /** A nested object (ClauseInput, TargetInput) by its component name, which is also its GraphQL name. */
  function shared(name: string): string {
    if (!inputs.has(name)) {
      const view = objectView(name);
      inputs.set(name, { name, description: view.description, fields: fieldsOf(name, view) });
    }
    return name;
  }

  for (const resource of TYPED_RESOURCES) {
    const union: GqlInputPlan = {
      name: unionInputName(resource),
      description: `one ${resource.toLowerCase()} instruction: set exactly one field, named after the instruction kind`,
      oneOf: true,
      fields: [],
    };
    for (const [kind, schema] of Object.entries(INSTRUCTION_SCHEMAS[resource])) {
      const fields = fieldsOf(kindInputName(resource, kind), { ...schema, type: 'object' });
      if (!fields.length) {
        union.fields.push({
          name: kind,
          type: { scalar: 'Boolean' },
          list: false,
          nullable: true,
          description: `${schema.description} (takes no fields: true)`,
        });
        continue;
      }
      const name = kindInputName(resource, kind);
      inputs.set(name, { name, description: schema.description, fields });
      union.fields.push({
        name: kind,
        type: { input: name },
        list: false,
        nullable: true,
        description: schema.description,
      });
    }
    inputs.set(union.name, union);
  }
  return { inputs: [...inputs.values()], enums: [...enums.values()] };
}

/** Every GraphQL input type and enum the typed instructions need. */
export const TYPED_INSTRUCTION_PLAN: TypedInstructionPlan = planOf();

const invalid = (field: string, reason: string, index?: number) =>
  new DomainError('request/invalid', `${field}: ${reason}`, [
    { ...(index === undefined ? {} : { index }), field, reason },
  ]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GraphQL values back into instruction JSON: weights lists become maps, input objects plain objects. */
function plain(value: unknown, schema: JsonSchema, path: string, index: number): unknown {
  if (value === null || value === undefined) return value;
  const ref = refName(schema);
  if (ref === 'RolloutWeights') return weights(value, path, index);
  const view = ref ? objectView(ref) : schema;
  if (view.type === 'array' && Array.isArray(value))
    return value.map((item, i) => plain(item, view.items ?? {}, `${path}[${i}]`, index));
  if (view.properties && isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((key) => value[key] !== undefined)
        .map((key) => [key, plain(value[key], view.properties?.[key] ?? {}, `${path}.${key}`, index)]),
    );
  }
  return value;
}

function weights(value: unknown, path: string, index: number): Record<string, unknown> {
  if (!Array.isArray(value)) throw invalid(path, 'must be a list of { variationId, weight }', index);
  const out: Record<string, unknown> = {};
  value.forEach((entry, i) => {
    const id = isObject(entry) ? entry.variationId : undefined;
    if (typeof id !== 'string') throw invalid(`${path}[${i}].variationId`, 'is required', index);
    if (Object.hasOwn(out, id)) throw invalid(`${path}[${i}].variationId`, `'${id}' is listed twice`, index);
    out[id] = (entry as Record<string, unknown>).weight;
  });
  return out;
}

/**
 * The instruction objects a typed list stands for, in order. Each item sets exactly one field (the
 * @oneOf input guarantees it; this says which item when it does not): `{ addRule: {...} }` becomes
 * `{ kind: 'addRule', ... }`, and a kind without fields is set to true.
 */
export function fromTypedInstructions(
  resource: TypedResource,
  items: readonly unknown[],
  field = 'typedInstructions',
): Record<string, unknown>[] {
  const schemas: Record<string, { properties: Readonly<Record<string, JsonSchema>> }> = INSTRUCTION_SCHEMAS[resource];
  return items.map((item, index) => {
    const path = `${field}[${index}]`;
    const set = isObject(item) ? Object.keys(item).filter((key) => item[key] !== undefined && item[key] !== null) : [];
    if (set.length !== 1)
      throw invalid(path, `set exactly one instruction kind, not ${set.length ? set.join(', ') : 'none'}`, index);
    const kind = set[0];
    const value = (item as Record<string, unknown>)[kind];
    const schema = Object.hasOwn(schemas, kind) ? schemas[kind] : undefined;
    if (!schema) throw invalid(`${path}.${kind}`, `not a ${resource.toLowerCase()} instruction kind`, index);
    if (!Object.keys(schema.properties).length) {
      if (value !== true) throw invalid(`${path}.${kind}`, 'must be true (the instruction takes no fields)', index);
      return { kind };
    }
    if (!isObject(value)) throw invalid(`${path}.${kind}`, 'must be an object', index);
    const fields = plain(value, { type: 'object', properties: schema.properties }, `${path}.${kind}`, index);
    return { kind, ...(fields as Record<string, unknown>) };
  });
}

/**
 * The instructions of a mutation that takes the JSON list (`instructions`, deprecated) or the typed
 * one: exactly one of them.
 */
export function chosenInstructions(
  resource: TypedResource,
  args: { instructions?: unknown[] | null; typedInstructions?: unknown[] | null },
  names: { json: string; typed: string } = { json: 'instructions', typed: 'typedInstructions' },
): unknown[] {
  const json = args.instructions ?? undefined;
  const typed = args.typedInstructions ?? undefined;
  if (json !== undefined && typed !== undefined)
    throw invalid(names.typed, `give ${names.typed} or ${names.json}, not both`);
  if (typed !== undefined) return fromTypedInstructions(resource, typed, names.typed);
  if (json === undefined) throw invalid(names.typed, `${names.typed} (or the deprecated ${names.json}) is required`);
  return json;
}

/**
 * A change request's instructions, if given: the JSON list, or the typed list of the request's
 * resource kind (a segment's request takes typedSegmentInstructions); at most one of them.
 */
export function chosenRequestInstructions(
  resourceKind: string,
  args: {
    instructions?: unknown[] | null;
    typedFlagInstructions?: unknown[] | null;
    typedSegmentInstructions?: unknown[] | null;
  },
): unknown[] | undefined {
  const given = (['instructions', 'typedFlagInstructions', 'typedSegmentInstructions'] as const).filter(
    (name) => args[name] !== undefined && args[name] !== null,
  );
  if (given.length > 1) throw invalid(given[1], `give one of ${given.join(', ')}, not ${given.length}`);
  const [name] = given;
  if (name === undefined) return undefined;
  if (name === 'instructions') return args.instructions ?? undefined;
  const resource: TypedResource = name === 'typedFlagInstructions' ? 'Flag' : 'Segment';
  if (resourceKind !== resource.toLowerCase()) {
    const article = /^[aeiou]/.test(resourceKind) ? 'an' : 'a';
    throw invalid(name, `this change request is for ${article} ${resourceKind}, not a ${resource.toLowerCase()}`);
  }
  return fromTypedInstructions(resource, args[name] ?? [], name);
}
