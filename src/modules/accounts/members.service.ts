import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { formatResource, memberResource } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { AuditTrail } from './audit-trail';
import { AccountsRepository } from './accounts.repository';
import { AuthorizationService } from './authorization.service';
import { MemberActivation } from './member-activation';
import type { CreateMemberDto, UpdateMemberDto } from './dto/accounts.dto';
import type { Actor } from './models/actor';
import { requireRoles } from './require-roles';
import { memberView } from './member-view';

/** Re-exported: importers of the members API's view (identity provisioning, bootstrap) find it here too. */
export { memberView } from './member-view';

@Injectable()
export class MembersService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditTrail,
    private readonly activation: MemberActivation,
  ) {}

  /** The caller, with its effective permission sources. */
  async me(actor: Actor) {
    if (!actor.memberId) return { kind: actor.kind, id: actor.id, name: actor.name, member: null };
    const m = await this.repo.findMember(actor.memberId);
    return { kind: actor.kind, id: actor.id, name: actor.name, member: m ? memberView(m) : null };
  }

  async list(actor: Actor, limit = 100, offset = 0) {
    this.authz.assert(actor, 'viewMembers', memberResource('*'));
    return { items: (await this.repo.listMembers(limit, offset)).map(memberView) };
  }

  async get(actor: Actor, id: string) {
    if (id !== actor.memberId) this.authz.assert(actor, 'viewMembers', memberResource(id));
    const m = await this.repo.findMember(id);
    if (!m) throw notFound('member', id);
    return memberView(m);
  }

  async create(actor: Actor, dto: CreateMemberDto) {
    this.authz.assert(actor, 'manageMembers', memberResource('*'));
    this.guardOwnerRole(actor, dto.role);
    return this.repo.transaction(async (tx) => {
      const { roleIds, teamIds } = await this.resolveLinks(tx, dto.customRoleKeys, dto.teamKeys);
      const m = await this.repo
        .createMember(tx, {
          email: dto.email.toLowerCase(),
          name: dto.name,
          role: dto.role ?? (dto.customRoleKeys?.length ? null : 'reader'),
          roleIds: roleIds ?? [],
          teamIds: teamIds ?? [],
        })
        .catch(rethrowDuplicate('member', dto.email));
      await this.audit.record(tx, actor, {
        action: 'createMember',
        resource: formatResource(memberResource(m.id)),
        after: memberView(m),
      });
      return memberView(m);
    });
  }

  async update(actor: Actor, id: string, dto: UpdateMemberDto) {
    this.authz.assert(actor, 'manageMembers', memberResource(id));
    this.guardOwnerRole(actor, dto.role);
    return this.repo.transaction(async (tx) => {
      const before = await this.repo.findMember(id, tx);
      if (!before) throw notFound('member', id);
      // Changing an owner (demoting one, say) is as sensitive as making one.
      if (before.role === 'owner') this.guardOwnerRole(actor, 'owner');
      const { active, ...fields } = dto;
      let after = before;
      // `{ active }` alone is a (de)activation, audited as such; anything else is an update first,
      // so one request may demote an owner and then deactivate them.
      if (active === undefined || Object.values(fields).some((v) => v !== undefined)) {
        const { roleIds, teamIds } = await this.resolveLinks(tx, dto.customRoleKeys, dto.teamKeys);
        after = await this.repo.updateMember(tx, id, { name: dto.name, role: dto.role, roleIds, teamIds });
        await this.audit.record(tx, actor, {
          action: 'updateMember',
          resource: formatResource(memberResource(id)),
          before: memberView(before),
          after: memberView(after),
        });
      }
      if (active !== undefined && (await this.activation.set(tx, actor, after, active)))
        after = (await this.repo.findMember(id, tx)) ?? after;
      return memberView(after);
    });
  }

  async remove(actor: Actor, id: string) {
    this.authz.assert(actor, 'manageMembers', memberResource(id));
    if (id === actor.memberId) throw new DomainError('member/cannot_delete_self', 'you cannot delete yourself');
    await this.repo.transaction(async (tx) => {
      const before = await this.repo.findMember(id, tx);
      if (!before) throw notFound('member', id);
      if (before.role === 'owner') throw new DomainError('member/cannot_delete_owner', 'the owner cannot be deleted');
      await this.repo.deleteMember(tx, id);
      await this.audit.record(tx, actor, {
        action: 'deleteMember',
        resource: formatResource(memberResource(id)),
        before: memberView(before),
      });
    });
  }

  /** Only an owner may hand out the owner role. */
  private guardOwnerRole(actor: Actor, role: string | null | undefined) {
    if (role === 'owner') this.authz.assert(actor, 'manageOwners', memberResource('*'));
  }

  private async resolveLinks(tx: Tx, roleKeys?: string[], teamKeys?: string[]) {
    const roles = roleKeys ? await requireRoles(this.repo, tx, roleKeys) : undefined;
    const teams = teamKeys ? await this.repo.findTeamsByKeys(teamKeys, tx) : undefined;
    const missingTeams = (teamKeys ?? []).filter((k) => !teams?.some((t) => t.key === k));
    if (missingTeams.length) throw new DomainError('team/not_found', `teams not found: ${missingTeams.join(', ')}`);
    return { roleIds: roles?.map((r) => r.id), teamIds: teams?.map((t) => t.id) };
  }
}
