import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type ApiResponseOptions } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../../core/error-catalogue';
import { ProblemDto } from './api-schemas';

export { AUTHENTICATED, JSON_BODY } from './problem-groups';

/**
 * The problem codes a route can answer with, published in OpenAPI (conventions §7, §15): one
 * response per status, its description naming the codes and their titles, and `x-problem-codes`
 * listing them for tools. `internal` (500) is added to every route. List what the route's service
 * and pipes can throw; the groups in problem-groups.ts are what the HTTP edge adds.
 *
 *   @Problems(...AUTHENTICATED, ...JSON_BODY, 'project/not_found', 'auth/forbidden')
 */
export function Problems(...codes: ErrorCode[]): MethodDecorator {
  const declared = new Set<ErrorCode>([...codes, 'internal']);
  const byStatus = new Map<number, ErrorCode[]>();
  // Catalogue order, so the spec does not change when a route lists its codes differently.
  for (const code of ERROR_CODES.filter((c) => declared.has(c))) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...byStatus].map(([status, list]) => ApiResponse(problemResponse(status, list))),
  );
}

/** Swagger copies unknown keys of a response into the spec: that is how `x-problem-codes` gets there. */
function problemResponse(status: number, codes: ErrorCode[]): ApiResponseOptions & { 'x-problem-codes': ErrorCode[] } {
  return {
    status,
    description: codes.map((code) => `\`${code}\` ${ERROR_CATALOGUE[code].title}`).join('; '),
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
    'x-problem-codes': codes,
  };
}
