/**
 * The JSON Schema the instruction descriptions are written in: the part OpenAPI 3.0 shares with
 * JSON Schema, plus OpenAPI's `nullable` and `discriminator`. Plain data, so the OpenAPI document
 * takes it as components as it is, and jsonSchemaDialect() turns it into standard JSON Schema
 * (2020-12) for a file that validates instructions kept as code.
 */
export interface JsonSchema {
  $ref?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  title?: string;
  description?: string;
  enum?: readonly (string | number | boolean)[];
  /** OpenAPI 3.0's way of also allowing null (JSON Schema: `type: [type, 'null']`). */
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  discriminator?: { propertyName: string; mapping?: Readonly<Record<string, string>> };
}

/** Where the descriptions point their `$ref`s: the OpenAPI document's components. */
export const COMPONENT_REF_PREFIX = '#/components/schemas/';

export const ref = (name: string): JsonSchema => ({ $ref: `${COMPONENT_REF_PREFIX}${name}` });

/** The component a `$ref` names, or undefined when the schema is not a reference. */
export function refName(schema: JsonSchema): string | undefined {
  return schema.$ref?.startsWith(COMPONENT_REF_PREFIX) ? schema.$ref.slice(COMPONENT_REF_PREFIX.length) : undefined;
}

/**
 * The same schema in standard JSON Schema: `nullable` becomes a `null` type (and enum value),
 * `discriminator` (OpenAPI only) is dropped, and `$ref`s point under `defsPrefix`.
 */
export function jsonSchemaDialect(schema: JsonSchema, defsPrefix = '#/$defs/'): Record<string, unknown> {
  const { nullable, discriminator: _discriminator, ...rest } = schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest) as [keyof JsonSchema, unknown][]) {
    if (key === '$ref') out.$ref = `${defsPrefix}${refName(schema) ?? ''}`;
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object'))
      out[key] = jsonSchemaDialect(value as JsonSchema, defsPrefix);
    else if (key === 'properties')
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, s]) => [
          name,
          jsonSchemaDialect(s, defsPrefix),
        ]),
      );
    else if (key === 'oneOf' || key === 'anyOf')
      out[key] = (value as JsonSchema[]).map((s) => jsonSchemaDialect(s, defsPrefix));
    else out[key] = value;
  }
  if (nullable && schema.type) out.type = [schema.type, 'null'];
  if (nullable && schema.enum) out.enum = [...schema.enum, null];
  return out;
}
