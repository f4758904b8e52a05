import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthedRequest } from '../accounts/auth.guard';
import { ScimAuthService } from '../accounts/scim-auth.service';

/**
 * /scim/v2 is @Public() to the global AuthGuard (which takes API tokens and browser sessions) and
 * authenticated here instead: a token of purpose `scim`, nothing else.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  constructor(private readonly auth: ScimAuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.actor = await this.auth.authenticate(req.headers.authorization);
    return true;
  }
}
