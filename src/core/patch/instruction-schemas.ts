import {
  ENVIRONMENT_INSTRUCTION_SCHEMAS,
  APPROVAL_SETTINGS_PATCH_SCHEMA,
} from '../approval/environment-instruction-schemas';
import { FLAG_INSTRUCTION_ACTIONS, type FlagInstructionKind } from './flag-instructions';
import { FLAG_INSTRUCTION_SCHEMAS } from './flag-instruction-schemas';
import { InstructionSchema, SHARED_COMPONENTS } from './instruction-schema-parts';
import { COMPONENT_REF_PREFIX, JsonSchema, jsonSchemaDialect, ref } from './json-schema';
import { SEGMENT_INSTRUCTION_SCHEMAS } from './segment-instruction-schemas';

/**
 * The API contract of semantic-patch instructions, as JSON Schema components: one object schema
 * per kind (`FlagInstruction_addRule`, `SegmentInstruction_addRule`, `EnvironmentInstruction_…`),
 * the unions a request body takes (`FlagInstruction`, `SegmentInstruction`, ... discriminated by
 * `kind`), and the nested objects they share (`ClauseInput`, `RolloutWeights`, `TargetInput`...).
 * The OpenAPI document takes these components as they are; instructionJsonSchema() gives a
 * standalone JSON Schema for instructions kept as code.
 */

/** What each resource's instructions change, and their descriptions by kind. */
export const INSTRUCTION_SCHEMAS = {
  Flag: FLAG_INSTRUCTION_SCHEMAS,
  Segment: SEGMENT_INSTRUCTION_SCHEMAS,
  Environment: ENVIRONMENT_INSTRUCTION_SCHEMAS,
} as const satisfies Record<string, Record<string, InstructionSchema>>;

export type InstructionResource = keyof typeof INSTRUCTION_SCHEMAS;

/** The unions, by component name: every instruction of a resource, or (AnyInstruction) of any. */
export const INSTRUCTION_UNIONS = [
  'FlagInstruction',
  'FlagEnvironmentInstruction',
  'SegmentInstruction',
  'EnvironmentInstruction',
  'AnyInstruction',
] as const;
export type InstructionUnion = (typeof INSTRUCTION_UNIONS)[number];

export const instructionComponentName = (resource: InstructionResource, kind: string) =>
  `${resource}Instruction_${kind}`;

/** One kind's object: `kind` fixed to its name, the listed fields, nothing else. */
export function instructionObjectSchema(kind: string, schema: InstructionSchema): JsonSchema {
  return {
    type: 'object',
    description: schema.description,
    properties: { kind: { type: 'string', enum: [kind] }, ...schema.properties },
    required: ['kind', ...(schema.required ?? [])],
    additionalProperties: false,
  };
}

function union(resource: InstructionResource, kinds: string[], description: string): JsonSchema {
  const names = kinds.map((kind) => instructionComponentName(resource, kind));
  return {
    description,
    oneOf: names.map(ref),
    discriminator: {
      propertyName: 'kind',
      mapping: Object.fromEntries(kinds.map((kind, i) => [kind, `${COMPONENT_REF_PREFIX}${names[i]}`])),
    },
  };
}

const kindsOf = (resource: InstructionResource) => Object.keys(INSTRUCTION_SCHEMAS[resource]);

const ENVIRONMENT_SCOPE_KINDS = (Object.keys(FLAG_INSTRUCTION_SCHEMAS) as FlagInstructionKind[]).filter(
  (kind) => FLAG_INSTRUCTION_ACTIONS[kind].scope === 'environment',
);

function buildComponents(): Record<string, JsonSchema> {
  const perKind = (Object.keys(INSTRUCTION_SCHEMAS) as InstructionResource[]).flatMap((resource) =>
    Object.entries(INSTRUCTION_SCHEMAS[resource] as Record<string, InstructionSchema>).map(
      ([kind, schema]) => [instructionComponentName(resource, kind), instructionObjectSchema(kind, schema)] as const,
    ),
  );
  const unions: Record<InstructionUnion, JsonSchema> = {
    FlagInstruction: union(
      'Flag',
      kindsOf('Flag'),
      'a semantic-patch instruction on a flag: project-level kinds change it in every environment, ' +
        'the others the environment given by environmentKey',
    ),
    FlagEnvironmentInstruction: union(
      'Flag',
      ENVIRONMENT_SCOPE_KINDS,
      "a flag instruction that changes one environment's configuration only",
    ),
    SegmentInstruction: union('Segment', kindsOf('Segment'), 'a semantic-patch instruction on a segment'),
    EnvironmentInstruction: union(
      'Environment',
      kindsOf('Environment'),
      "an instruction on an environment's own settings and protection (environment change requests)",
    ),
    AnyInstruction: {
      description: "an instruction of the change request's resource kind: flag, segment or environment",
      anyOf: [ref('FlagInstruction'), ref('SegmentInstruction'), ref('EnvironmentInstruction')],
    },
  };
  return {
    ...SHARED_COMPONENTS,
    ApprovalSettingsPatch: APPROVAL_SETTINGS_PATCH_SCHEMA,
    ...Object.fromEntries(perKind),
    ...unions,
  };
}

/** Every component, by name (the OpenAPI document's `components.schemas` takes them all). */
export const INSTRUCTION_COMPONENTS: Readonly<Record<string, JsonSchema>> = buildComponents();

/** A standalone JSON Schema (2020-12) of one instruction of the given union, with every component in `$defs`. */
export function instructionJsonSchema(root: InstructionUnion): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $ref: `#/$defs/${root}`,
    $defs: Object.fromEntries(
      Object.entries(INSTRUCTION_COMPONENTS).map(([name, schema]) => [name, jsonSchemaDialect(schema)]),
    ),
  };
}
