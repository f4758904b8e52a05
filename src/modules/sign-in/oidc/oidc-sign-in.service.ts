import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../../../core/errors';
import { MetricsService } from '../../../infra/metrics/metrics.service';
import { IdentityProvisioningService } from '../../accounts/identity-provisioning.service';
import { readCookie, serializeCookie } from '../../accounts/session-cookie';
import { SessionsService } from '../../accounts/sessions.service';
import { safeReturnTo } from '../return-to';
import { identityFromClaims } from './claims';
import { LOGIN_TTL_SECONDS, LoginStateStore } from './login-state.store';
import { OidcClient } from './oidc-client';

/** Binds a sign-in attempt to the browser that started it (login CSRF: nobody else's callback completes it). */
export const LOGIN_COOKIE = 'gantry_oidc_login';
const LOGIN_COOKIE_PATH = '/auth/oidc';

export interface Redirect {
  location: string;
  cookies: string[];
}

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

/**
 * The authorization code flow with PKCE: `begin` sends the browser to the identity provider,
 * `complete` verifies what comes back, provisions the member just in time and opens a session.
 * A refusal sends the browser back to the console with the reason's code, and opens nothing.
 */
@Injectable()
export class OidcSignInService {
  private readonly logger = new Logger('OidcSignIn');

  constructor(
    private readonly client: OidcClient,
    private readonly logins: LoginStateStore,
    private readonly provisioning: IdentityProvisioningService,
    private readonly sessions: SessionsService,
    private readonly metrics: MetricsService,
  ) {}

  async begin(returnTo: unknown): Promise<Redirect> {
    const start = await this.client.start();
    const binding = randomBytes(32).toString('base64url');
    await this.logins.save({
      bindingHash: sha256(binding),
      codeVerifier: start.codeVerifier,
      state: start.state,
      nonce: start.nonce,
      returnTo: safeReturnTo(returnTo),
    });
    return { location: start.url.href, cookies: [this.loginCookie(binding, LOGIN_TTL_SECONDS)] };
  }

  async complete(callbackUrl: URL, cookieHeader: string | undefined, userAgent: string | undefined): Promise<Redirect> {
    const clearLogin = this.loginCookie('', 0);
    try {
      const attempt = await this.logins.take(callbackUrl.searchParams.get('state') ?? '');
      const binding = readCookie(cookieHeader, LOGIN_COOKIE);
      if (!binding || sha256(binding) !== attempt.bindingHash)
        throw new DomainError('oidc/state_invalid', 'this sign-in was started in another browser; start again');
      const claims = await this.client.finish(callbackUrl, attempt);
      const member = await this.provisioning.provision(identityFromClaims(claims, this.client.settings));
      const session = await this.sessions.start(member.id, 'oidc', userAgent);
      this.metrics.oidcSignIns.inc({ outcome: 'ok' });
      this.logger.log({ msg: 'signed in through OIDC', memberId: member.id });
      return { location: attempt.returnTo, cookies: [session.cookie, clearLogin] };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.metrics.oidcSignIns.inc({ outcome: err.code });
      this.logger.warn({ msg: 'OIDC sign-in refused', code: err.code, reason: err.message });
      const query = new URLSearchParams({ sign_in_error: err.code, sign_in_detail: err.message.slice(0, 300) });
      return { location: `/ui/?${query.toString()}`, cookies: [clearLogin] };
    }
  }

  private loginCookie(value: string, maxAge: number): string {
    return serializeCookie(LOGIN_COOKIE, value, {
      secure: this.client.redirectUri.startsWith('https:'),
      maxAge,
      path: LOGIN_COOKIE_PATH,
    });
  }
}
