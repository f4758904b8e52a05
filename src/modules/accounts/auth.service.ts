import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { compilePolicy } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { AccountsRepository } from './accounts.repository';
import type { Actor } from './models/actor';
import { memberPolicySources, servicePolicySources } from './policy-sources';
import { hashSecret } from './token-secret';

/** lastUsedAt is a hint, not a ledger: write it at most once a minute per token. */
const TOUCH_INTERVAL_MS = 60_000;

const unauthenticated = (code: string, detail: string) => new DomainError(code, 401, detail);

/** Turns a bearer credential into an Actor, or says precisely why it cannot. */
@Injectable()
export class AuthService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly repo: AccountsRepository,
    private readonly clock: ClockService,
    private readonly metrics: MetricsService,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!secret) throw this.fail('missing', 'auth/unauthenticated', 'an Authorization: Bearer <access token> header is required');
    const token = await this.repo.findTokenByHash(hashSecret(secret));
    if (!token) throw this.fail('unknown', 'auth/invalid_token', 'the access token is not valid');
    const now = this.clock.now();
    if (token.revokedAt) throw this.fail('revoked', 'auth/token_revoked', 'the access token has been revoked');
    if (token.expiresAt && token.expiresAt <= now) throw this.fail('expired', 'auth/token_expired', 'the access token has expired');
    this.touch(token.id, now);

    if (token.member) {
      return {
        kind: 'member',
        id: token.member.id,
        name: token.member.name,
        memberId: token.member.id,
        tokenId: token.id,
        policy: compilePolicy(memberPolicySources(token.member)),
      };
    }
    const roles = await this.repo.findRolesByKeys(token.customRoleKeys);
    return {
      kind: 'token',
      id: token.id,
      name: token.name,
      tokenId: token.id,
      policy: compilePolicy(servicePolicySources(token, roles)),
    };
  }

  private fail(reason: string, code: string, detail: string): DomainError {
    this.metrics.authFailures.inc({ reason });
    return unauthenticated(code, detail);
  }

  private touch(id: string, now: Date): void {
    const last = this.touched.get(id) ?? 0;
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(id, now.getTime());
    void this.repo.touchToken(id, now);
  }
}
