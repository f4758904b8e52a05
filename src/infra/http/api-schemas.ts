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

/**
 * OpenAPI pieces every controller shares (conventions §7): the problem document that every error
 * is, and the schema of "any JSON value" (variation values, clause values, audit snapshots).
 */

/** Any JSON value but null: spread into @ApiProperty. */
export const JSON_VALUE: { anyOf: SchemaObject[] } = {
  anyOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object', additionalProperties: true },
  ],
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
