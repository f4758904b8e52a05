import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../../../infra/http/api-schemas';
import { Problems } from '../../../infra/http/problems.decorator';
import { Public } from '../../accounts/auth.guard';
import { OidcSignInService, type Redirect } from './oidc-sign-in.service';
import { OidcClient } from './oidc-client';

/** The browser's side of single sign-on: both routes answer with redirects. */
@ApiTags('sign-in')
@ApiProblems()
@Public()
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly oidc: OidcSignInService,
    private readonly client: OidcClient,
  ) {}

  @Problems('oidc/not_configured', 'oidc/provider_unavailable', 'unavailable')
  @Get('login')
  @ApiQuery({ name: 'returnTo', required: false, description: 'a console path (/ui/...) to open after signing in' })
  @ApiFoundResponse({ description: "to the identity provider's authorization endpoint" })
  async login(@Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply) {
    send(reply, await this.oidc.begin(returnTo));
  }

  @Problems('oidc/not_configured')
  @Get('callback')
  @ApiFoundResponse({ description: 'to the console: the page asked for, or its home with ?sign_in_error=<code>' })
  async callback(
    @Req() req: FastifyRequest,
    @Headers('cookie') cookie: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    send(reply, await this.oidc.complete(new URL(req.url, this.client.redirectUri), cookie, req.headers['user-agent']));
  }
}

function send(reply: FastifyReply, r: Redirect): void {
  void reply.header('set-cookie', r.cookies).header('cache-control', 'no-store').redirect(r.location, 302);
}
