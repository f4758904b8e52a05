import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { compilePolicy, type Policy } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { AccountsRepository } from './accounts.repository';
import type { MemberWithRoles } from './account-records';
import type { Actor } from './models/actor';
import { memberPolicySources, servicePolicySources } from './policy-sources';
import { SessionsService } from './sessions.service';
import { hashSecret } from './token-secret';

/** lastUsedAt is a hint, not a ledger: write it at most once a minute per token. */
const TOUCH_INTERVAL_MS = 60_000;
/**
 * Compiled policies are reused for a few seconds: loading a member's roles and teams is most of
 * the cost of authenticating. The token row itself (revocation, expiry) is read on every request,
 * so a revoked token stops working at once; a role edit reaches other nodes within this window.
 */
const POLICY_TTL_MS = 5_000;

/** The 401 codes: what the caller presented does not authenticate it. */
type UnauthenticatedCode =
  | 'auth/unauthenticated'
  | 'auth/invalid_token'
  | 'auth/token_revoked'
  | 'auth/token_expired'
  | 'auth/wrong_token_purpose'
  | 'auth/member_deactivated';

/** Turns a bearer credential or a console session into an Actor, or says precisely why it cannot. */
@Injectable()
export class AuthService {
  private readonly touched = new Map<string, number>();
  private readonly policies = new Map<string, { at: number; actor: Omit<Actor, 'policy'>; policy: Policy }>();

  constructor(
    private readonly repo: AccountsRepository,
    private readonly clock: ClockService,
    private readonly metrics: MetricsService,
    private readonly sessions: SessionsService,
  ) {
    repo.onCommit(() => this.forgetPolicies());
  }

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!secret)
      throw this.fail('missing', 'auth/unauthenticated', 'an Authorization: Bearer <access token> header is required');
    const token = await this.repo.findTokenStatus(hashSecret(secret));
    if (!token) throw this.fail('unknown', 'auth/invalid_token', 'the access token is not valid');
    const now = this.clock.now();
    if (token.revokedAt) throw this.fail('revoked', 'auth/token_revoked', 'the access token has been revoked');
    if (token.expiresAt && token.expiresAt <= now)
      throw this.fail('expired', 'auth/token_expired', 'the access token has expired');
    // A SCIM token opens /scim/v2 only (ScimAuthService); a deactivated member's tokens stop at once.
    if (token.purpose !== 'api')
      throw this.fail('purpose', 'auth/wrong_token_purpose', 'a SCIM token authenticates only /scim/v2');
    if (token.member?.deactivatedAt)
      throw this.fail('deactivated', 'auth/member_deactivated', 'the member of this token is deactivated');
    this.touch(token.id, now);
    return this.cachedActor(token.id, async () => {
      const actor = await this.loadActor(token.id);
      if (!actor) throw this.fail('unknown', 'auth/invalid_token', 'the access token is not valid');
      return actor;
    });
  }

  /** The member behind a console session's cookie secret (the session row is read on every request). */
  async authenticateSession(secret: string): Promise<Actor> {
    const session = await this.sessions.resolve(secret);
    return this.cachedActor(`session:${session.id}`, async () => {
      const member = await this.repo.findMember(session.memberId);
      if (!member) throw new DomainError('auth/session_invalid', 'the session is not valid; sign in again');
      return this.memberActor(member, { sessionId: session.id });
    });
  }

  private async cachedActor(key: string, load: () => Promise<Actor>): Promise<Actor> {
    const now = this.clock.now().getTime();
    const cached = this.policies.get(key);
    if (cached && now - cached.at < POLICY_TTL_MS) return { ...cached.actor, policy: cached.policy };
    const actor = await load();
    const { policy, ...rest } = actor;
    this.policies.set(key, { at: now, actor: rest, policy });
    return actor;
  }

  /** A member acting through a personal token or a session; a deactivated member cannot act at all. */
  private memberActor(member: MemberWithRoles, via: { tokenId?: string; sessionId?: string }): Actor {
    if (member.deactivatedAt) throw this.fail('deactivated', 'auth/member_deactivated', 'the member is deactivated');
    return {
      kind: 'member',
      id: member.id,
      name: member.name,
      email: member.email,
      memberId: member.id,
      ...via,
      policy: compilePolicy(memberPolicySources(member)),
    };
  }

  /** Called after any change to roles, teams or members so this node stops using stale policies. */
  forgetPolicies(): void {
    this.policies.clear();
  }

  private async loadActor(tokenId: string): Promise<Actor | null> {
    const token = await this.repo.findTokenWithMember(tokenId);
    if (!token) return null;
    if (token.member) return this.memberActor(token.member, { tokenId: token.id });
    const roles = await this.repo.findRolesByKeys(token.customRoleKeys);
    return {
      kind: 'token',
      id: token.id,
      name: token.name,
      tokenId: token.id,
      policy: compilePolicy(servicePolicySources(token, roles)),
    };
  }

  private fail(reason: string, code: UnauthenticatedCode, detail: string): DomainError {
    this.metrics.authFailures.inc({ reason });
    return new DomainError(code, detail);
  }

  private touch(id: string, now: Date): void {
    const last = this.touched.get(id) ?? 0;
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(id, now.getTime());
    void this.repo.touchToken(id, now);
  }
}
