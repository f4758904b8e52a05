import { applyDecorators } from '@nestjs/common';
import {
  ApiDefaultResponse,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
  type SchemaObject,
} from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '../../core/error-catalogue';
import { JSON_VALUE_SCHEMA } from '../../core/patch';

/**
 * OpenAPI pieces every controller shares (conventions §7): the problem document that every error
 * is, and the schema of "any JSON value" (variation values, clause values, audit snapshots).
 */

/** Any JSON value but null: spread into @ApiProperty. The instruction schemas (core/patch) use the same one. */
export const JSON_VALUE: { anyOf: SchemaObject[] } = {
  anyOf: JSON_VALUE_SCHEMA.anyOf.map((schema) => ({ ...schema })),
};

/** Any JSON value or null. */
export const NULLABLE_JSON_VALUE: { anyOf: SchemaObject[]; nullable: true } = { ...JSON_VALUE, nullable: true };

export class FieldErrorDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'index of the offending item (instruction, statement) when the input is a list',
  })
  index?: number;
  @ApiPropertyOptional({ description: 'path or name of the offending field' }) field?: string;
  @ApiProperty() reason: string;
  @ApiPropertyOptional({ description: 'guardrail/violation: the violated policy key' }) policy?: string;
  @ApiPropertyOptional({ description: 'guardrail/violation: the violated rule kind' }) rule?: string;
  @ApiPropertyOptional({ description: 'guardrail/violation: the environment an environment rule was violated in' })
  environment?: string;
}

/** RFC 9457 problem document with Gantry's stable `code` (src/infra/http/problem.ts). */
export class ProblemDto {
  @ApiProperty({ example: 'https://gantry.dev/problems/flag/not_found' }) type: string;
  @ApiProperty({ example: 'Flag not found', description: "the code's title in the error catalogue" }) title: string;
  @ApiProperty({ type: 'integer', example: 404 }) status: number;
  @ApiProperty() detail: string;
  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ProblemCode',
    description: 'stable machine-readable code from the error catalogue; each operation lists the ones it answers with',
    example: 'flag/not_found',
  })
  code: ErrorCode;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

/** The release plan run and phase that opened a change request or started a release. */
export class PhaseOriginDto {
  @ApiProperty({ format: 'uuid', description: 'the release plan run' }) pipelineRun: string;
  @ApiProperty({ type: 'integer', description: "the run's phase, from 0" }) phase: number;
}

/** Why something done later (a scheduled change, a release step) was refused: the write path's error. */
export class RefusalDto {
  @ApiProperty({ example: 'patch/invalid_instruction', description: 'the problem code the write was refused with' })
  code: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: [FieldErrorDto], description: 'per instruction or field, as in a problem document' })
  errors: FieldErrorDto[];
}

/**
 * Every operation may answer with a problem document (4xx for bad input, 5xx never with details);
 * the codes each operation answers with are listed per status by @Problems (problems.decorator.ts).
 */
export const ApiProblems = () =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ApiDefaultResponse({
      description: 'an error, as an application/problem+json document with a stable `code` (ProblemCode)',
      content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
    }),
  );
