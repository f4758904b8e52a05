import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { DomainError } from '../../core/errors';
import { noteProblemCode } from '../logging/logger';
import { toProblem } from './problem';
import { isScimUrl, SCIM_CONTENT_TYPE, scimError } from './scim-http';

/**
 * The one mapping point from thrown errors to responses: problem+json for REST, an error with
 * `extensions.code` for GraphQL, SCIM's error message under /scim/v2 (same codes).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(err: unknown, host: ArgumentsHost) {
    const p = toProblem(err);
    // An unreachable database is logged by its monitor once, not with a stack per request.
    if (p.code === 'unavailable') this.logger.warn(`503: ${(err as Error)?.message ?? String(err)}`);
    else if (p.status >= 500) this.logger.error((err as Error)?.stack ?? String(err));
    if (host.getType<string>() === 'graphql') {
      return new GraphQLError(p.detail, {
        extensions: { code: p.code, status: p.status, ...(p.errors ? { errors: p.errors } : {}) },
      });
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    noteProblemCode(reply, p.code);
    if (err instanceof DomainError && err.retryAfterSeconds !== undefined)
      void reply.header('retry-after', String(err.retryAfterSeconds));
    else if (p.code === 'unavailable') void reply.header('retry-after', '5');
    if (isScimUrl(host.switchToHttp().getRequest<FastifyRequest>().url))
      return reply.status(p.status).header('content-type', SCIM_CONTENT_TYPE).send(scimError(p));
    return reply.status(p.status).header('content-type', 'application/problem+json').send(p);
  }
}
