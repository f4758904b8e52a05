import { Logger } from '@nestjs/common';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { defaultErrorFormatter, type MercuriusContext } from 'mercurius';
import { problem, toProblem } from '../../infra/http/problem';

const logger = new Logger('graphql');

/**
 * Every GraphQL error carries `extensions.code` (and `status`), like a REST problem document.
 * Errors thrown in resolvers arrive already mapped by ProblemFilter; anything that did not pass
 * through it (Fastify's body parsing, a field that broke its non-null contract) is mapped here with
 * the same `toProblem`, and what is left (syntax errors, schema validation, bad variables) is a 400
 * `request/invalid`.
 */
export function gantryErrorFormatter(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  ctx: MercuriusContext,
) {
  const { statusCode, response } = defaultErrorFormatter({ ...execution, errors: execution.errors.map(mapped) }, ctx);
  const invalid = problem('request/invalid', '');
  const errors = response.errors?.map((e) =>
    e.extensions?.code ? e : { ...e, extensions: { ...e.extensions, code: invalid.code, status: invalid.status } },
  );
  return { statusCode, response: { ...response, ...(errors ? { errors } : {}) } };
}

function mapped(e: GraphQLError): GraphQLError {
  const original = e.originalError;
  // Already mapped, or Mercurius's validation error (a list of GraphQL errors, flattened by the default formatter).
  if (
    e.extensions?.code ||
    !original ||
    original instanceof GraphQLError ||
    Array.isArray((original as { errors?: unknown }).errors)
  )
    return e;
  const p = toProblem(original);
  if (p.status >= 500) logger.error(original.stack ?? String(original));
  return new GraphQLError(p.detail, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    path: e.path,
    originalError: original,
    extensions: { ...e.extensions, code: p.code, status: p.status, ...(p.errors ? { errors: p.errors } : {}) },
  });
}
