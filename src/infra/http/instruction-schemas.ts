import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { INSTRUCTION_COMPONENTS, type InstructionUnion } from '../../core/patch';
import { MAX_INSTRUCTIONS } from '../../core/patch/limits';

/**
 * Semantic-patch instructions in the OpenAPI document (conventions §7): the DTOs point at the
 * instruction unions by $ref, and the generator adds the components core/patch describes
 * (instruction-schemas.ts) to the document, so the contract has one source and core stays free
 * of Swagger.
 */

export const instructionRef = (union: InstructionUnion): ReferenceObject => ({
  $ref: `#/components/schemas/${union}`,
});

/** A non-empty list of instructions of one union, for @ApiProperty (spread, then add a description). */
export const instructionListSchema = (union: InstructionUnion, maxItems = MAX_INSTRUCTIONS) => ({
  type: 'array' as const,
  minItems: 1,
  maxItems,
  items: instructionRef(union),
});

export const FLAG_INSTRUCTION_LIST_SCHEMA = instructionListSchema('FlagInstruction');
export const SEGMENT_INSTRUCTION_LIST_SCHEMA = instructionListSchema('SegmentInstruction');

/** Adds the instruction components; a name the controllers already use is a bug, not something to overwrite. */
export function withInstructionComponents(document: OpenAPIObject): OpenAPIObject {
  const schemas = { ...(document.components?.schemas ?? {}) };
  for (const [name, schema] of Object.entries(INSTRUCTION_COMPONENTS)) {
    if (schemas[name]) throw new Error(`OpenAPI component ${name} is defined twice`);
    schemas[name] = schema as SchemaObject;
  }
  return { ...document, components: { ...document.components, schemas } };
}
