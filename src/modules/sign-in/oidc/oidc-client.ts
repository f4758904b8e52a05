import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { DomainError } from '../../../core/errors';
import { GANTRY_CONFIG, type GantryConfig, type OidcConfig } from '../../../infra/config/config';
import { guardedFetch } from '../../../infra/net/guarded-fetch';
import { OUTBOUND_POLICY, type OutboundPolicy } from '../../../infra/net/outbound-policy';

const REQUEST_TIMEOUT_MS = 10_000;
/** A failed discovery is retried on the next sign-in, not cached; a good one is reused for this long. */
const DISCOVERY_TTL_MS = 60 * 60_000;

export interface AuthorizationStart {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** The claims of a verified ID token, merged with userinfo when the ID token lacks some. */
export type VerifiedClaims = Record<string, unknown> & { sub: string; iss: string };

/**
 * The OpenID Connect relying party, on the maintained `openid-client` library (discovery, PKCE,
 * state, nonce, ID-token signature and claims validation, issuer checks; no JOSE of our own).
 * Every request to the provider goes through the outbound policy: an identity provider on a
 * private address must be allowed by GANTRY_OUTBOUND_ALLOW like any webhook target.
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger('Oidc');
  private discovered: { at: number; config: oidc.Configuration } | undefined;
  private readonly fetch: oidc.CustomFetch;

  constructor(
    @Inject(GANTRY_CONFIG) private readonly gantry: GantryConfig,
    @Inject(OUTBOUND_POLICY) policy: OutboundPolicy,
  ) {
    this.fetch = guardedFetch(policy, REQUEST_TIMEOUT_MS);
  }

  get settings(): OidcConfig {
    const settings = this.gantry.identity.oidc;
    if (!settings)
      throw new DomainError('oidc/not_configured', 'single sign-on is not configured (GANTRY_OIDC_ISSUER)');
    return settings;
  }

  get redirectUri(): string {
    return `${this.gantry.identity.publicUrl}/auth/oidc/callback`;
  }

  async start(): Promise<AuthorizationStart> {
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, codeVerifier, state, nonce };
  }

  /**
   * Exchanges the callback's code and verifies everything the library verifies: the `iss`
   * parameter and the ID token's issuer, audience, signature, expiry, nonce; state; PKCE.
   */
  async finish(
    callbackUrl: URL,
    expected: { codeVerifier: string; state: string; nonce: string },
  ): Promise<VerifiedClaims> {
    const config = await this.configuration();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw this.refusal(err);
    }
    const claims = tokens.claims();
    if (!claims) throw new DomainError('oidc/sign_in_failed', 'the identity provider returned no ID token');
    const verified: VerifiedClaims = { ...claims, sub: claims.sub, iss: claims.iss };
    if (tokens.access_token && (verified.email === undefined || verified[this.settings.groupsClaim] === undefined)) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        for (const [k, v] of Object.entries(info)) if (verified[k] === undefined) verified[k] = v;
      } catch (err) {
        this.logger.warn({ msg: 'userinfo request failed; using the ID token alone', error: (err as Error).message });
      }
    }
    return verified;
  }

  private async configuration(): Promise<oidc.Configuration> {
    const now = Date.now();
    if (this.discovered && now - this.discovered.at < DISCOVERY_TTL_MS) return this.discovered.config;
    const s = this.settings;
    const issuer = new URL(s.issuer);
    const insecure = issuer.protocol === 'http:';
    try {
      const config = await oidc.discovery(
        issuer,
        s.clientId,
        s.clientSecret === undefined ? { token_endpoint_auth_method: 'none' } : undefined,
        s.clientSecret === undefined ? oidc.None() : oidc.ClientSecretPost(s.clientSecret),
        {
          [oidc.customFetch]: this.fetch,
          timeout: REQUEST_TIMEOUT_MS / 1000,
          // An operator who configured an http:// issuer (a provider on loopback) asked for it.
          execute: insecure ? [oidc.allowInsecureRequests] : [],
        },
      );
      config[oidc.customFetch] = this.fetch;
      if (insecure)
        this.logger.warn({ msg: 'the OIDC issuer is plain http; use https outside development', issuer: s.issuer });
      this.discovered = { at: now, config };
      return config;
    } catch (err) {
      this.logger.error({ msg: 'OIDC discovery failed', issuer: s.issuer, error: (err as Error).message });
      throw new DomainError(
        'oidc/provider_unavailable',
        `the identity provider at ${s.issuer} could not be reached or described`,
      );
    }
  }

  /** Why the provider's answer was refused, in words for the log and a stable code for the caller. */
  private refusal(err: unknown): DomainError {
    const message = err instanceof Error ? err.message : String(err);
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    this.logger.warn({ msg: 'OIDC callback refused', error: `${message}${cause}` });
    if (err instanceof oidc.AuthorizationResponseError) {
      return new DomainError('oidc/sign_in_failed', `the identity provider refused the sign-in: ${err.error}`);
    }
    return new DomainError('oidc/sign_in_failed', `the identity provider's response was refused: ${message}`);
  }
}
