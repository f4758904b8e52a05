import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { mapGroups } from '../../core/identity/group-mapping';
import { formatResource, memberResource, teamResource } from '../../core/policy';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import type { MemberWithRoles } from './account-records';
import { AccountsRepository } from './accounts.repository';
import { AuditTrail } from './audit-trail';
import { memberView } from './members.service';
import { systemActor } from './system-actor';

/** What an identity provider asserted about the person signing in (already verified by the OIDC client). */
export interface VerifiedIdentity {
  /** `<issuer> <sub>`: stable across email changes. */
  subject: string;
  email: string;
  name: string;
  groups: string[];
}

/**
 * Just-in-time provisioning from a sign-in: the first sign-in creates the member with the role and
 * teams their groups map to; every later one brings name, role and mapped teams up to date. Teams
 * that no group maps to (assigned by hand in Gantry) are left alone, and an owner is never demoted
 * by a sign-in (ownership is granted in Gantry; a mapping may still grant it). Every change is
 * audited, named after the sign-in that caused it.
 */
@Injectable()
export class IdentityProvisioningService {
  private readonly logger = new Logger('IdentityProvisioning');

  constructor(
    private readonly repo: AccountsRepository,
    private readonly audit: AuditTrail,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  async provision(identity: VerifiedIdentity): Promise<MemberWithRoles> {
    const mapping = this.config.identity.groups;
    const mapped = mapGroups(mapping, identity.groups);
    const managedTeams = new Set(mapping.teams.values());
    const actor = systemActor(`OIDC sign-in of ${identity.email}`);

    return this.repo.transaction(async (tx) => {
      const bySubject = await this.repo.findMemberByOidcSubject(identity.subject, tx);
      const member = bySubject ?? (await this.repo.findMemberByEmail(identity.email, tx));
      if (member?.oidcSubject && member.oidcSubject !== identity.subject)
        throw new DomainError('oidc/sign_in_failed', `${identity.email} is linked to another identity at the provider`);
      if (member?.deactivatedAt) throw new DomainError('auth/member_deactivated', 'the member is deactivated');
      const teamIds = await this.ensureTeams(tx, actor, mapped.teams);

      if (!member) {
        const created = await this.repo
          .createMember(tx, {
            email: identity.email,
            name: identity.name,
            role: mapped.role,
            roleIds: [],
            teamIds,
            oidcSubject: identity.subject,
          })
          .catch(rethrowDuplicate('member', identity.email));
        await this.audit.record(tx, actor, {
          action: 'createMember',
          resource: formatResource(memberResource(created.id)),
          after: memberView(created),
        });
        this.logger.log({
          msg: 'member provisioned by sign-in',
          memberId: created.id,
          role: mapped.role,
          teams: mapped.teams,
        });
        return created;
      }

      const keptTeams = member.teams.map((t) => t.key).filter((k) => !managedTeams.has(k));
      const allTeamKeys = [...new Set([...keptTeams, ...mapped.teams])].sort();
      const role = member.role === 'owner' && mapped.role !== 'owner' ? 'owner' : mapped.role;
      const unchanged =
        member.name === identity.name &&
        member.role === role &&
        member.oidcSubject === identity.subject &&
        sameKeys(
          member.teams.map((t) => t.key),
          allTeamKeys,
        );
      if (unchanged) return member;

      const allTeams = await this.repo.findTeamsByKeys(allTeamKeys, tx);
      const updated = await this.repo.updateMember(tx, member.id, {
        name: identity.name,
        role,
        teamIds: allTeams.map((t) => t.id),
        oidcSubject: identity.subject,
      });
      await this.audit.record(tx, actor, {
        action: 'updateMember',
        resource: formatResource(memberResource(member.id)),
        before: memberView(member),
        after: memberView(updated),
      });
      this.logger.log({ msg: 'member updated by sign-in', memberId: member.id, role, teams: allTeamKeys });
      return updated;
    });
  }

  /** The ids of the mapped teams, creating (and auditing) any that does not exist yet. */
  private async ensureTeams(tx: Tx, actor: ReturnType<typeof systemActor>, keys: string[]): Promise<string[]> {
    const existing = await this.repo.findTeamsByKeys(keys, tx);
    const ids = existing.map((t) => t.id);
    for (const key of keys.filter((k) => !existing.some((t) => t.key === k))) {
      const team = await this.repo.createTeam(tx, {
        key,
        name: key,
        description: 'Created by an OIDC group mapping',
        memberIds: [],
        roleIds: [],
      });
      await this.audit.record(tx, actor, {
        action: 'createTeam',
        resource: formatResource(teamResource(key)),
        after: { key, name: key },
      });
      ids.push(team.id);
    }
    return ids;
  }
}

const sameKeys = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((k, i) => k === b[i]);
