/**
 * Checks a parsed file against CONFIG_SCHEMA, reporting each problem at its path
 * (`flags[2].environments.production.rules[0].clauses[1].op`). It implements exactly the keywords
 * that schema uses (draft-07 subset: type, const, enum, required, properties, additionalProperties,
 * propertyNames, items, min/maxItems, pattern, min/maxLength, minimum/maximum, local $ref), so the
 * CLI needs no schema library and the published schema stays the single source of the structure.
 */
import { CONFIG_SCHEMA } from './config-schema';
import { deepEqual } from '../patch/json-value';

export interface ConfigProblem {
  /** Path of the offending field in the file; '' for the whole document. */
  field: string;
  reason: string;
}

type Schema = Record<string, unknown>;

export function checkAgainstSchema(document: unknown, schema: Schema = CONFIG_SCHEMA) {
  const problems: ConfigProblem[] = [];
  check(document, schema, '', schema, problems);
  return problems;
}

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/definitions/', '');
  return (root.definitions as Record<string, Schema>)[name];
}

const join = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(actual: string, expected: unknown): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function check(value: unknown, raw: Schema, path: string, root: Schema, out: ConfigProblem[]): void {
  const schema = resolve(raw, root);
  const field = path;
  if ('const' in schema && !deepEqual(value, schema.const)) {
    out.push({ field, reason: `must be ${JSON.stringify(schema.const)}` });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e as never, value))) {
    out.push({ field, reason: `must be one of ${schema.enum.join(', ')}` });
    return;
  }
  if (schema.type !== undefined && !typeMatches(typeOf(value), schema.type)) {
    const expected = (Array.isArray(schema.type) ? schema.type : [schema.type]).map(String).join(' or ');
    out.push({ field, reason: `must be ${expected === 'object' ? 'a mapping' : expected}, not ${typeOf(value)}` });
    return;
  }
  if (typeof value === 'string') checkString(value, schema, field, out);
  if (typeof value === 'number') checkNumber(value, schema, field, out);
  if (Array.isArray(value)) checkArray(value, schema, path, root, out);
  else if (typeof value === 'object' && value !== null) checkObject(value as Schema, schema, path, root, out);
}

function checkString(value: string, schema: Schema, field: string, out: ConfigProblem[]) {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength)
    out.push({
      field,
      reason: schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`,
    });
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
    out.push({ field, reason: `must have at most ${schema.maxLength} characters` });
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
    out.push({ field, reason: `'${value}' does not match ${schema.pattern}` });
}

function checkNumber(value: number, schema: Schema, field: string, out: ConfigProblem[]) {
  if (typeof schema.minimum === 'number' && value < schema.minimum)
    out.push({ field, reason: `must be at least ${schema.minimum}` });
  if (typeof schema.maximum === 'number' && value > schema.maximum)
    out.push({ field, reason: `must be at most ${schema.maximum}` });
}

function checkArray(value: unknown[], schema: Schema, path: string, root: Schema, out: ConfigProblem[]) {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems)
    out.push({ field: path, reason: `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}` });
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
    out.push({ field: path, reason: `must have at most ${schema.maxItems} items` });
  const items = schema.items as Schema | undefined;
  if (items) value.forEach((item, i) => check(item, items, `${path}[${i}]`, root, out));
}

function checkObject(value: Schema, schema: Schema, path: string, root: Schema, out: ConfigProblem[]) {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const name of (schema.required ?? []) as string[]) {
    if (!(name in value)) out.push({ field: join(path, name), reason: 'is required' });
  }
  for (const [key, item] of Object.entries(value)) {
    const at = join(path, key);
    if (schema.propertyNames) {
      const before = out.length;
      check(key, schema.propertyNames as Schema, at, root, out);
      if (out.length > before) continue;
    }
    if (Object.hasOwn(properties, key)) check(item, properties[key], at, root, out);
    else if (schema.additionalProperties === false) out.push({ field: at, reason: 'unknown field' });
    else if (typeof schema.additionalProperties === 'object')
      check(item, schema.additionalProperties as Schema, at, root, out);
  }
}
