import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { AuthService } from '../accounts/auth.service';
import { MembersService } from '../accounts/members.service';
import type { Actor } from '../accounts/models/actor';
import { csrfMatches, csrfTokenOf, readCookie, SESSION_COOKIE } from '../accounts/session-cookie';
import { SessionsService } from '../accounts/sessions.service';

export interface SessionView {
  member: { id: string; name: string; email: string; role: string | null };
  csrfToken: string;
  method: string;
  expiresAt: string;
}

/**
 * The console's session endpoints: which sign-in methods this deployment offers, signing in with a
 * personal access token (the local default), the current session, signing out.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly members: MembersService,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  methods() {
    const { oidc, tokenSignIn } = this.config.identity;
    return {
      token: { enabled: tokenSignIn },
      oidc: oidc ? { enabled: true, displayName: oidc.displayName, loginUrl: '/auth/oidc/login' } : { enabled: false },
    };
  }

  /** Opens a session for the member whose personal token this is; service tokens act for no person. */
  async withToken(token: string, userAgent: string | undefined): Promise<{ view: SessionView; cookie: string }> {
    if (!this.config.identity.tokenSignIn)
      throw new DomainError(
        'auth/token_sign_in_disabled',
        'this deployment signs people in through its identity provider',
      );
    const actor = await this.auth.authenticate(`Bearer ${token}`);
    if (actor.kind !== 'member' || !actor.memberId)
      throw new DomainError(
        'auth/personal_token_required',
        'a service token cannot open a console session; use a personal token',
      );
    const started = await this.sessions.start(actor.memberId, 'token', userAgent);
    const session = await this.sessions.resolve(started.secret);
    return { view: await this.view(actor, started.secret, session), cookie: started.cookie };
  }

  async current(cookieHeader: string | undefined): Promise<SessionView> {
    const secret = this.secretOf(cookieHeader);
    const actor = await this.auth.authenticateSession(secret);
    return this.view(actor, secret, await this.sessions.resolve(secret));
  }

  /** Sign-out changes state, so it needs the CSRF token like any cookie-authenticated write. */
  async signOut(cookieHeader: string | undefined, csrf: string | string[] | undefined): Promise<string> {
    const secret = this.secretOf(cookieHeader);
    const session = await this.sessions.resolve(secret);
    if (!csrfMatches(secret, csrf))
      throw new DomainError('auth/csrf_failed', 'signing out needs the x-csrf-token header');
    await this.sessions.end(session);
    return this.sessions.clearedCookie();
  }

  private secretOf(cookieHeader: string | undefined): string {
    const secret = readCookie(cookieHeader, SESSION_COOKIE);
    if (!secret) throw new DomainError('auth/unauthenticated', 'no console session; sign in first');
    return secret;
  }

  private async view(actor: Actor, secret: string, session: { method: string; expiresAt: Date }): Promise<SessionView> {
    const me = await this.members.me(actor);
    const m = me.member;
    if (!m) throw new DomainError('auth/session_invalid', 'the session has no member; sign in again');
    return {
      member: { id: m.id, name: m.name, email: m.email, role: m.role },
      csrfToken: csrfTokenOf(secret),
      method: session.method,
      expiresAt: session.expiresAt.toISOString(),
    };
  }
}
