import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { AuthService } from './auth.service';
import type { Actor } from './models/actor';

export const IS_PUBLIC = 'gantry:public';
/** Routes that authenticate differently (health, metrics, SDK endpoints with SDK keys). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export type AuthedRequest = FastifyRequest & { actor?: Actor };

export function requestOf(ctx: ExecutionContext): AuthedRequest {
  if (ctx.getType<string>() === 'graphql')
    return GqlExecutionContext.create(ctx).getContext<{ req: AuthedRequest }>().req;
  return ctx.switchToHttp().getRequest<AuthedRequest>();
}

/** Global guard: every route needs an access token unless marked @Public(). Deny by default. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = requestOf(ctx);
    req.actor ??= await this.auth.authenticate(req.headers.authorization);
    return true;
  }
}
