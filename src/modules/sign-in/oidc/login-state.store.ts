import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../core/errors';
import { RedisService } from '../../../infra/redis/redis.service';

/** What the callback must find again to finish a sign-in that this browser started. */
export interface LoginState {
  /** SHA-256 of the login cookie: the attempt is bound to the browser that started it. */
  bindingHash: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/** A sign-in must finish within this long at the identity provider. */
export const LOGIN_TTL_SECONDS = 600;

/**
 * Sign-in attempts in flight, in Redis under their `state`, single use (GETDEL) and short-lived, so
 * any API node can finish an attempt another node started and a replayed callback finds nothing.
 */
@Injectable()
export class LoginStateStore {
  constructor(private readonly redis: RedisService) {}

  async save(s: LoginState): Promise<void> {
    await this.redis.client.set(this.key(s.state), JSON.stringify(s), 'EX', LOGIN_TTL_SECONDS);
  }

  /** The attempt for `state`, removed as it is read; a 400 when there is none. */
  async take(state: string): Promise<LoginState> {
    const raw = /^[A-Za-z0-9_-]{1,128}$/.test(state) ? await this.redis.client.getdel(this.key(state)) : null;
    if (!raw)
      throw new DomainError('oidc/state_invalid', 'this sign-in attempt is unknown, used or expired; start again');
    return JSON.parse(raw) as LoginState;
  }

  private key(state: string): string {
    return `${this.redis.prefix}:oidc-login:${state}`;
  }
}
