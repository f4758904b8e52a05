import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors';
import { AuthService } from './auth.service';
import type { Actor } from './models/actor';
import { CSRF_HEADER, csrfMatches, readCookie, SAFE_METHODS, SESSION_COOKIE } from './session-cookie';

export const IS_PUBLIC = 'gantry:public';
/** Routes that authenticate differently (health, metrics, SDK endpoints with SDK keys). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export type AuthedRequest = FastifyRequest & { actor?: Actor };

export function requestOf(ctx: ExecutionContext): AuthedRequest {
  if (ctx.getType<string>() === 'graphql')
    return GqlExecutionContext.create(ctx).getContext<{ req: AuthedRequest }>().req;
  return ctx.switchToHttp().getRequest<AuthedRequest>();
}

/**
 * Global guard: every route needs an access token or a console session unless marked @Public().
 * Deny by default. A bearer token wins over a cookie, so API clients behave exactly as before; a
 * cookie-authenticated request that could change something must carry the session's CSRF token.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = requestOf(ctx);
    req.actor ??= await this.authenticate(req);
    return true;
  }

  private async authenticate(req: AuthedRequest): Promise<Actor> {
    const session = req.headers.authorization ? undefined : readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!session) return this.auth.authenticate(req.headers.authorization);
    const actor = await this.auth.authenticateSession(session);
    if (!SAFE_METHODS.has(req.method) && !csrfMatches(session, req.headers[CSRF_HEADER]))
      throw new DomainError(
        'auth/csrf_failed',
        `a request authenticated by the session cookie must send the ${CSRF_HEADER} header`,
      );
    return actor;
  }
}
