import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors';
import { BYPASS_REASON_HEADER, type BreakGlass } from './break-glass';

const MAX_REASON = 1000;

/** The break-glass asked for by the `X-Gantry-Bypass-Reason` header (the body's `bypass` wins; see breakGlassOf). */
export const BypassHeader = createParamDecorator((_: unknown, ctx: ExecutionContext): BreakGlass | undefined => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().headers[BYPASS_REASON_HEADER];
  const reason = (Array.isArray(raw) ? raw.join(', ') : raw)?.trim();
  if (!reason) return undefined;
  if (reason.length > MAX_REASON)
    throw new DomainError('request/invalid', `${BYPASS_REASON_HEADER} is longer than ${MAX_REASON} characters`, [
      { field: BYPASS_REASON_HEADER, reason: `at most ${MAX_REASON} characters` },
    ]);
  return { reason };
});
