import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { formatResource, memberResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import type { MemberWithRoles } from './account-records';
import { AccountsRepository } from './accounts.repository';
import { AuditTrail } from './audit-trail';
import { memberView } from './member-view';
import type { Actor } from './models/actor';
import { ProvisioningRepository } from './provisioning.repository';

/**
 * Deactivating and reactivating a member: the one path the members API (PATCH `active`) and SCIM
 * (`active: false`) share. Deactivation revokes every token and browser session of the member in
 * the caller's transaction, so nothing of theirs outlives the commit; AuthService also refuses a
 * deactivated member's credentials by itself. Reactivation revives nothing: old tokens stay revoked.
 */
@Injectable()
export class MemberActivation {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly repo: ProvisioningRepository,
    private readonly audit: AuditTrail,
    private readonly clock: ClockService,
  ) {}

  /** Sets the member's state inside `tx` (the caller authorized the change); false when it already was. */
  async set(tx: Tx, actor: Actor, member: MemberWithRoles, active: boolean): Promise<boolean> {
    if (active === (member.deactivatedAt === null)) return false;
    if (!active && member.id === actor.memberId)
      throw new DomainError('member/cannot_deactivate_self', 'you cannot deactivate yourself');
    // The same rule as deletion: an owner is demoted by an owner first, so the organisation keeps one.
    if (!active && member.role === 'owner')
      throw new DomainError('member/cannot_deactivate_owner', 'an owner cannot be deactivated; demote them first');
    const now = this.clock.now();
    await this.repo.setDeactivatedAt(tx, member.id, active ? null : now);
    const revoked = active ? null : await this.repo.revokeCredentials(tx, member.id, now);
    const after = await this.accounts.findMember(member.id, tx);
    await this.audit.record(tx, actor, {
      action: active ? 'reactivateMember' : 'deactivateMember',
      resource: formatResource(memberResource(member.id)),
      before: memberView(member),
      after: after && memberView(after),
      links: revoked && { revokedTokens: revoked.tokenIds, revokedSessions: revoked.sessions },
    });
    return true;
  }
}
