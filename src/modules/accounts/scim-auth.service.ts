import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '../../core/error-catalogue';
import { DomainError } from '../../core/errors';
import { compilePolicy } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { AccountsRepository } from './accounts.repository';
import type { Actor } from './models/actor';
import { hashSecret } from './token-secret';

/**
 * What a SCIM token may do: provision members and teams, nothing else (no roles, tokens, projects).
 * It may not make owners either: only an owner can, and an admin may issue a SCIM token.
 */
const SCIM_POLICY = compilePolicy([
  {
    source: 'scim',
    statements: [
      { effect: 'allow', actions: ['viewMembers', 'manageMembers'], resources: ['member/*'] },
      { effect: 'allow', actions: ['viewTeams', 'manageTeams'], resources: ['team/*'] },
    ],
  },
]);

const TOUCH_INTERVAL_MS = 60_000;

/**
 * Authenticates /scim/v2: only a token issued with purpose `scim` (AuthService refuses those
 * everywhere else). The actor is the token, named, so audit entries say which connector acted.
 */
@Injectable()
export class ScimAuthService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly repo: AccountsRepository,
    private readonly clock: ClockService,
    private readonly metrics: MetricsService,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!secret)
      throw this.fail('missing', 'auth/unauthenticated', 'an Authorization: Bearer <SCIM token> header is required');
    const token = await this.repo.findTokenStatus(hashSecret(secret));
    if (!token) throw this.fail('unknown', 'auth/invalid_token', 'the SCIM token is not valid');
    if (token.purpose !== 'scim')
      throw this.fail(
        'purpose',
        'auth/wrong_token_purpose',
        'this is an API token: /scim/v2 takes a token of purpose scim',
      );
    const now = this.clock.now();
    if (token.revokedAt) throw this.fail('revoked', 'auth/token_revoked', 'the SCIM token has been revoked');
    if (token.expiresAt && token.expiresAt <= now)
      throw this.fail('expired', 'auth/token_expired', 'the SCIM token has expired');
    if (now.getTime() - (this.touched.get(token.id) ?? 0) >= TOUCH_INTERVAL_MS) {
      this.touched.set(token.id, now.getTime());
      void this.repo.touchToken(token.id, now);
    }
    return { kind: 'token', id: token.id, name: token.name, tokenId: token.id, policy: SCIM_POLICY };
  }

  private fail(reason: string, code: ErrorCode, detail: string): DomainError {
    this.metrics.authFailures.inc({ reason: `scim_${reason}` });
    return new DomainError(code, detail);
  }
}
