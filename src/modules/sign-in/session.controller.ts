import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../../infra/http/api-schemas';
import { JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { Public } from '../accounts/auth.guard';
import { SessionDto, SignInMethodsDto, TokenSignInDto } from './dto/sign-in.dto';
import { SignInService } from './sign-in.service';

/**
 * Console sessions. Public routes in the guard's sense: each reads its own credential (a token in
 * the body, the session cookie) and says precisely what is wrong with it.
 */
@ApiTags('sign-in')
@ApiProblems()
@Public()
@Controller()
export class SessionController {
  constructor(private readonly signIn: SignInService) {}

  @Problems()
  @Get('auth/methods')
  @ApiOkResponse({ type: SignInMethodsDto })
  methods() {
    return this.signIn.methods();
  }

  @Problems('auth/unauthenticated', 'auth/session_invalid', 'auth/member_deactivated')
  @ApiCookieAuth('session')
  @Get('api/v1/session')
  @ApiOkResponse({ type: SessionDto })
  current(@Req() req: FastifyRequest) {
    return this.signIn.current(req.headers.cookie);
  }

  @Problems(
    ...JSON_BODY,
    'auth/invalid_token',
    'auth/token_revoked',
    'auth/token_expired',
    'auth/member_deactivated',
    'auth/token_sign_in_disabled',
    'auth/personal_token_required',
  )
  @Post('api/v1/session')
  @ApiCreatedResponse({ type: SessionDto, description: 'sets the HttpOnly session cookie' })
  async withToken(
    @Body() dto: TokenSignInDto,
    @Headers('user-agent') ua: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { view, cookie } = await this.signIn.withToken(dto.token, ua);
    reply.header('set-cookie', cookie);
    return view;
  }

  @Problems('auth/unauthenticated', 'auth/session_invalid', 'auth/csrf_failed')
  @ApiCookieAuth('session')
  @Delete('api/v1/session')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the session is revoked and its cookie cleared' })
  async signOut(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('set-cookie', await this.signIn.signOut(req.headers.cookie, req.headers['x-csrf-token']));
  }
}
