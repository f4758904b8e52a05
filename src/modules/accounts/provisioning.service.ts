import { Inject, Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { freeKey, provisionedRole, teamKeyFor, type GroupFields } from '../../core/identity/scim-group';
import type { UserFields } from '../../core/identity/scim-user';
import { formatResource, memberResource, teamResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { isUniqueViolation } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { isUuid } from '../../infra/queues/job-payload';
import type { DirectoryMember, DirectoryTeam, MemberCriteria, TeamCriteria } from './account-records';
import { AccountsRepository } from './accounts.repository';
import { AuditTrail } from './audit-trail';
import { AuthorizationService } from './authorization.service';
import { MemberActivation } from './member-activation';
import { memberView } from './member-view';
import { MembersService } from './members.service';
import type { Actor } from './models/actor';
import { ProvisioningRepository } from './provisioning.repository';
import { TeamsService, teamView } from './teams.service';

/**
 * Members and teams as an identity provider manages them (the SCIM module speaks the protocol and
 * calls this): create, change and look up by the provider's own ids, deactivate, and keep the roles
 * of provider-managed members (those with an externalId) in line with their groups through
 * GANTRY_GROUP_ROLES. Every write is authorized, audited like the members and teams APIs, and
 * commits in one transaction with the role changes it causes. Deletions go through the members
 * and teams services' own paths, with their checks.
 */
@Injectable()
export class ProvisioningService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly repo: ProvisioningRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditTrail,
    private readonly activation: MemberActivation,
    private readonly members: MembersService,
    private readonly teams: TeamsService,
    private readonly clock: ClockService,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  // ---- members
  async findMembers(actor: Actor, criteria: MemberCriteria, skip: number, take: number) {
    this.authz.assert(actor, 'viewMembers', memberResource('*'));
    if (criteria.id !== undefined && !isUuid(criteria.id)) return { total: 0, items: [] };
    const [total, items] = await Promise.all([
      this.repo.countMembers(criteria),
      take > 0 ? this.repo.findMembers(criteria, skip, take) : [],
    ]);
    return { total, items };
  }

  async getMember(actor: Actor, id: string): Promise<DirectoryMember> {
    this.authz.assert(actor, 'viewMembers', memberResource(id));
    const m = isUuid(id) ? await this.repo.findMember(id) : null;
    if (!m) throw notFound('member', id);
    return m;
  }

  async createMember(actor: Actor, f: UserFields): Promise<DirectoryMember> {
    this.authz.assert(actor, 'manageMembers', memberResource('*'));
    const id = await this.accounts.transaction(async (tx) => {
      const created = await this.repo
        .createMember(tx, {
          email: f.email,
          name: f.name,
          role: this.config.identity.groups.defaultRole,
          externalId: f.externalId,
        })
        .catch(duplicateMember(f));
      const m = (await this.accounts.findMember(created, tx))!;
      await this.audit.record(tx, actor, {
        action: 'createMember',
        resource: formatResource(memberResource(created)),
        after: memberView(m),
      });
      if (!f.active) await this.activation.set(tx, actor, m, false);
      return created;
    });
    return (await this.repo.findMember(id))!;
  }

  /** Applies `change` to the member as it is inside the transaction (a PATCH reads what it changes). */
  async updateMember(
    actor: Actor,
    id: string,
    change: (current: DirectoryMember) => UserFields,
  ): Promise<DirectoryMember> {
    this.authz.assert(actor, 'manageMembers', memberResource(id));
    if (!isUuid(id)) throw notFound('member', id);
    await this.accounts.transaction(async (tx) => {
      await this.repo.lock(tx, 'Member', [id], 'update');
      const before = await this.accounts.findMember(id, tx);
      const current = await this.repo.findMember(id, tx);
      if (!before || !current) throw notFound('member', id);
      // As in the members API: changing an owner is as sensitive as making one.
      if (before.role === 'owner') this.authz.assert(actor, 'manageOwners', memberResource(id));
      const f = change(current);
      const data = {
        ...(f.email !== current.email ? { email: f.email } : {}),
        ...(f.name !== current.name ? { name: f.name } : {}),
        ...(f.externalId !== current.externalId ? { externalId: f.externalId } : {}),
      };
      let after = before;
      if (Object.keys(data).length) {
        await this.repo.updateMember(tx, id, data).catch(duplicateMember(f));
        after = (await this.accounts.findMember(id, tx))!;
        await this.audit.record(tx, actor, {
          action: 'updateMember',
          resource: formatResource(memberResource(id)),
          before: memberView(before),
          after: memberView(after),
        });
      }
      await this.activation.set(tx, actor, after, f.active);
    });
    return (await this.repo.findMember(id))!;
  }

  /** The members API's own removal, with its checks (never the owner) and audit entry. */
  async deleteMember(actor: Actor, id: string): Promise<void> {
    this.authz.assert(actor, 'manageMembers', memberResource(id));
    if (!isUuid(id)) throw notFound('member', id);
    await this.members.remove(actor, id);
  }

  // ---- teams
  async findTeams(actor: Actor, criteria: TeamCriteria, skip: number, take: number) {
    this.authz.assert(actor, 'viewTeams', teamResource('*'));
    if ([criteria.id, criteria.memberId].some((v) => v !== undefined && !isUuid(v))) return { total: 0, items: [] };
    const [total, items] = await Promise.all([
      this.repo.countTeams(criteria),
      take > 0 ? this.repo.findTeams(criteria, skip, take) : [],
    ]);
    return { total, items };
  }

  async getTeam(actor: Actor, id: string): Promise<DirectoryTeam> {
    const t = isUuid(id) ? await this.repo.findTeam(id) : null;
    if (!t) throw notFound('team', id);
    this.authz.assert(actor, 'viewTeams', teamResource(t.key));
    return t;
  }

  /**
   * A group becomes a team keyed by GANTRY_GROUP_TEAMS, else by a slug of its name. A mapped key
   * that already names a team adopts it (that is what the mapping says: this group is that team),
   * keeping its members; a team already linked to another group is not taken over.
   */
  async createTeam(actor: Actor, f: GroupFields): Promise<DirectoryTeam> {
    this.authz.assert(actor, 'manageTeams', teamResource('*'));
    const id = await this.accounts.transaction(async (tx) => {
      await this.assertNameFree(tx, f.name);
      const wanted = teamKeyFor(this.config.identity.groups, f.name);
      const adopted = wanted.mapped ? await this.repo.findTeamByKey(tx, wanted.key) : null;
      if (adopted?.externalId && adopted.externalId !== f.externalId)
        throw new DomainError('team/already_exists', `team '${adopted.key}' already mirrors another group`);
      const key = adopted?.key ?? freeKey(wanted.key, await this.repo.keysLike(tx, wanted.key));
      this.authz.assert(actor, 'manageTeams', teamResource(key));
      const before = adopted && (await this.accounts.findTeam(key, tx));
      const teamId =
        adopted?.id ??
        (await this.repo.createTeam(tx, { key, name: f.name, externalId: f.externalId }).catch(duplicateTeam(f)));
      const memberIds = [...new Set([...(adopted?.members.map((m) => m.id) ?? []), ...f.memberIds])];
      await this.writeTeam(tx, actor, teamId, key, { ...f, memberIds }, before ?? null);
      return teamId;
    });
    return (await this.repo.findTeam(id))!;
  }

  async updateTeam(actor: Actor, id: string, change: (current: DirectoryTeam) => GroupFields): Promise<DirectoryTeam> {
    if (!isUuid(id)) throw notFound('team', id);
    await this.accounts.transaction(async (tx) => {
      await this.repo.lock(tx, 'Team', [id], 'no key update');
      const current = await this.repo.findTeam(id, tx);
      if (!current) throw notFound('team', id);
      this.authz.assert(actor, 'manageTeams', teamResource(current.key));
      const f = change(current);
      if (f.name.toLowerCase() !== current.name.toLowerCase()) await this.assertNameFree(tx, f.name);
      const before = await this.accounts.findTeam(current.key, tx);
      await this.writeTeam(tx, actor, id, current.key, f, before);
    });
    return (await this.repo.findTeam(id))!;
  }

  /** The teams API's own removal, then the former members' roles follow (same transaction). */
  async deleteTeam(actor: Actor, id: string): Promise<void> {
    if (!isUuid(id)) throw notFound('team', id);
    await this.accounts.transaction(async (tx) => {
      const current = await this.repo.findTeam(id, tx);
      if (!current) throw notFound('team', id);
      const memberIds = await this.teams.removeIn(tx, actor, current.key);
      await this.followGroups(tx, actor, memberIds);
    });
  }

  private async writeTeam(
    tx: Tx,
    actor: Actor,
    id: string,
    key: string,
    f: GroupFields,
    before: Parameters<typeof teamView>[0] | null,
  ): Promise<void> {
    const known = new Set(await this.repo.existingMemberIds(tx, f.memberIds.filter(isUuid)));
    const unknown = f.memberIds.filter((m) => !known.has(m));
    if (unknown.length)
      throw new DomainError('scim/invalid_value', `no User has the id ${unknown.slice(0, 5).join(', ')}`);
    await this.repo.updateTeam(tx, id, f, this.clock.now()).catch(duplicateTeam(f));
    const after = (await this.accounts.findTeam(key, tx))!;
    await this.audit.record(tx, actor, {
      action: before ? 'updateTeam' : 'createTeam',
      resource: formatResource(teamResource(key)),
      ...(before ? { before: teamView(before) } : {}),
      after: teamView(after),
    });
    // A rename changes every member's group names; a membership change those who came and went.
    await this.followGroups(tx, actor, [...new Set([...(before?.memberIds ?? []), ...f.memberIds])]);
  }

  /** Provider-managed members take the role their groups map to (GANTRY_GROUP_ROLES, else the default). */
  private async followGroups(tx: Tx, actor: Actor, memberIds: string[]): Promise<void> {
    await this.repo.lock(tx, 'Member', memberIds, 'no key update');
    for (const m of await this.repo.membersWithGroups(tx, memberIds)) {
      if (m.externalId === null) continue;
      const role = provisionedRole(this.config.identity.groups, m.groups, m.role);
      if (role === null) continue;
      const before = (await this.accounts.findMember(m.id, tx))!;
      await this.repo.setRole(tx, m.id, role);
      await this.audit.record(tx, actor, {
        action: 'updateMember',
        resource: formatResource(memberResource(m.id)),
        comment: `role from identity-provider groups: ${m.groups.join(', ') || 'none'}`,
        before: memberView(before),
        after: memberView((await this.accounts.findMember(m.id, tx))!),
      });
    }
  }

  private async assertNameFree(tx: Tx, name: string): Promise<void> {
    if ((await this.repo.findTeams({ name }, 0, 1, tx)).length)
      throw new DomainError('team/already_exists', `a team named '${name}' already exists`);
  }
}

const duplicateMember =
  (f: UserFields) =>
  (err: unknown): never => {
    if (!isUniqueViolation(err)) throw err;
    const also = f.externalId ? ` or externalId '${f.externalId}'` : '';
    throw new DomainError('member/already_exists', `a member with userName '${f.email}'${also} already exists`);
  };

const duplicateTeam =
  (f: GroupFields) =>
  (err: unknown): never => {
    if (!isUniqueViolation(err)) throw err;
    throw new DomainError('team/already_exists', `a team with externalId '${f.externalId}' already exists`);
  };
