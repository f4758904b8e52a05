import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { formatResource, teamResource } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { AuditTrail } from './audit-trail';
import type { TeamWithLinks } from './account-records';
import { AccountsRepository } from './accounts.repository';
import { AuthorizationService } from './authorization.service';
import type { CreateTeamDto, UpdateTeamDto } from './dto/accounts.dto';
import type { Actor } from './models/actor';
import { requireRoles } from './require-roles';

export const teamView = (t: TeamWithLinks) => ({
  key: t.key,
  name: t.name,
  description: t.description,
  memberIds: [...t.memberIds].sort(),
  customRoleKeys: t.customRoles.map((r) => r.key).sort(),
});

@Injectable()
export class TeamsService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditTrail,
  ) {}

  async list(actor: Actor) {
    this.authz.assert(actor, 'viewTeams', teamResource('*'));
    return { items: (await this.repo.listTeams()).map(teamView) };
  }

  async get(actor: Actor, key: string) {
    this.authz.assert(actor, 'viewTeams', teamResource(key));
    const t = await this.repo.findTeam(key);
    if (!t) throw notFound('team', key);
    return teamView(t);
  }

  async create(actor: Actor, dto: CreateTeamDto) {
    this.authz.assert(actor, 'manageTeams', teamResource(dto.key));
    return this.repo.transaction(async (tx) => {
      const roleIds = await this.resolve(tx, dto.memberIds, dto.customRoleKeys);
      const t = await this.repo
        .createTeam(tx, {
          key: dto.key,
          name: dto.name,
          description: dto.description ?? '',
          memberIds: dto.memberIds ?? [],
          roleIds: roleIds ?? [],
        })
        .catch(rethrowDuplicate('team', dto.key));
      await this.audit.record(tx, actor, {
        action: 'createTeam',
        resource: formatResource(teamResource(dto.key)),
        after: teamView(t),
      });
      return teamView(t);
    });
  }

  async update(actor: Actor, key: string, dto: UpdateTeamDto) {
    this.authz.assert(actor, 'manageTeams', teamResource(key));
    return this.repo.transaction(async (tx) => {
      const before = await this.repo.findTeam(key, tx);
      if (!before) throw notFound('team', key);
      const roleIds = await this.resolve(tx, dto.memberIds, dto.customRoleKeys);
      const after = await this.repo.updateTeam(tx, key, {
        name: dto.name,
        description: dto.description,
        memberIds: dto.memberIds,
        roleIds,
      });
      await this.audit.record(tx, actor, {
        action: 'updateTeam',
        resource: formatResource(teamResource(key)),
        before: teamView(before),
        after: teamView(after),
      });
      return teamView(after);
    });
  }

  async remove(actor: Actor, key: string) {
    await this.repo.transaction((tx) => this.removeIn(tx, actor, key));
  }

  /** Deletion inside the caller's transaction (SCIM recomputes the former members' roles in the same one). */
  async removeIn(tx: Tx, actor: Actor, key: string): Promise<string[]> {
    this.authz.assert(actor, 'manageTeams', teamResource(key));
    const before = await this.repo.findTeam(key, tx);
    if (!before) throw notFound('team', key);
    await this.repo.deleteTeam(tx, key);
    await this.audit.record(tx, actor, {
      action: 'deleteTeam',
      resource: formatResource(teamResource(key)),
      before: teamView(before),
    });
    return before.memberIds;
  }

  /** Checks member ids exist and turns role keys into ids; 404 names what is missing. */
  private async resolve(tx: Tx, memberIds?: string[], roleKeys?: string[]): Promise<string[] | undefined> {
    if (memberIds?.length && (await this.repo.countMembers(memberIds, tx)) !== new Set(memberIds).size) {
      throw new DomainError('member/not_found', 'one or more memberIds do not exist');
    }
    if (!roleKeys) return undefined;
    return (await requireRoles(this.repo, tx, roleKeys)).map((r) => r.id);
  }
}
