import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemFilter } from '../../infra/http/problem.filter';
import { TriggerRateLimitedError } from './trigger-rate-limiter';

/** A rate-limited call says when to retry (Retry-After), then renders like every other error. */
@Catch(TriggerRateLimitedError)
export class RetryAfterFilter implements ExceptionFilter {
  private readonly problems = new ProblemFilter();

  catch(err: TriggerRateLimitedError, host: ArgumentsHost) {
    host.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(err.retryAfterSeconds));
    return this.problems.catch(err, host);
  }
}
