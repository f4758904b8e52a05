import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import {
  formatResource,
  memberResource,
  personalTokenResource,
  roleResource,
  serviceTokenResource,
  teamResource,
  validatePolicy,
} from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { AuditTrail } from './audit-trail';
import type { AccessToken, NewToken } from './account-records';
import { AccountsRepository } from './accounts.repository';
import { AuthorizationService } from './authorization.service';
import type { CreateTokenDto } from './dto/accounts.dto';
import type { Actor } from './models/actor';
import { requireRoles } from './require-roles';
import { hashSecret, newTokenSecret, secretHint } from './token-secret';

/** Personal tokens live under their member (`member/<id>:token/<id>`); service tokens stand alone. */
const tokenResource = (t: { id: string; memberId: string | null }) =>
  t.memberId ? personalTokenResource(t.memberId, t.id) : serviceTokenResource(t.id);

export const tokenView = (t: AccessToken) => ({
  id: t.id,
  name: t.name,
  hint: t.hint,
  kind: t.memberId ? ('personal' as const) : ('service' as const),
  purpose: t.purpose,
  memberId: t.memberId,
  role: t.role,
  customRoleKeys: t.customRoleKeys,
  inlinePolicy: t.inlinePolicy ?? null,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
});

@Injectable()
export class TokensService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditTrail,
    private readonly clock: ClockService,
  ) {}

  async list(actor: Actor) {
    const rows = await this.repo.listTokens();
    // Everyone sees their own personal tokens; others need manageTokens on them.
    const visible = rows.filter(
      (t) => (t.memberId && t.memberId === actor.memberId) || this.authz.can(actor, 'manageTokens', tokenResource(t)),
    );
    return { items: visible.map(tokenView) };
  }

  /** Mints a token; the secret is in this response and nowhere else, ever. */
  async create(actor: Actor, dto: CreateTokenDto) {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt <= this.clock.now())
      throw new DomainError('token/invalid_expiry', 'expiresAt must be in the future');
    if (dto.purpose === 'scim') return this.createScim(actor, dto, expiresAt);
    const personal = dto.memberId !== undefined || (!dto.role && !dto.customRoleKeys?.length && !dto.inlinePolicy);
    const memberId = personal ? (dto.memberId ?? actor.memberId) : undefined;
    if (personal && !memberId)
      throw new DomainError(
        'token/member_required',
        'a service token needs role, customRoleKeys or inlinePolicy; a personal token needs a member',
      );
    if (personal && (dto.role || dto.customRoleKeys?.length || dto.inlinePolicy)) {
      throw new DomainError(
        'token/personal_with_policy',
        'a personal token acts as its member: omit role, customRoleKeys and inlinePolicy',
      );
    }
    // A token must not carry more than its minter could grant: owner and admin tokens need the
    // rights that only those roles hold.
    if (dto.role === 'owner') this.authz.assert(actor, 'manageOwners', memberResource('*'));
    if (dto.role === 'admin') this.authz.assert(actor, 'manageRoles', roleResource('*'));
    return this.mint(actor, {
      name: dto.name,
      memberId: memberId ?? null,
      role: personal ? null : (dto.role ?? null),
      customRoleKeys: dto.customRoleKeys ?? [],
      inlinePolicy: dto.inlinePolicy,
      expiresAt,
    });
  }

  /**
   * A SCIM token provisions members and teams and opens nothing else (ScimAuthService gives it
   * that policy; AuthService refuses it elsewhere). Its issuer must be able to do all of it.
   */
  private async createScim(actor: Actor, dto: CreateTokenDto, expiresAt: Date | null) {
    if (dto.memberId || dto.role || dto.customRoleKeys?.length || dto.inlinePolicy)
      throw new DomainError(
        'token/scim_with_grants',
        'a SCIM token acts as the identity provider: omit memberId, role, customRoleKeys and inlinePolicy',
      );
    this.authz.assert(actor, 'manageMembers', memberResource('*'));
    this.authz.assert(actor, 'manageTeams', teamResource('*'));
    const scim = { name: dto.name, purpose: 'scim' as const, memberId: null, role: null, customRoleKeys: [] };
    return this.mint(actor, { ...scim, expiresAt });
  }

  private async mint(
    actor: Actor,
    t: Pick<NewToken, 'name' | 'purpose' | 'memberId' | 'role' | 'customRoleKeys'> & {
      inlinePolicy?: unknown[];
      expiresAt?: Date | null;
    },
  ) {
    const { memberId } = t;
    const secret = newTokenSecret();
    return this.repo.transaction(async (tx) => {
      if (memberId) {
        if (memberId !== actor.memberId) this.authz.assert(actor, 'manageTokens', personalTokenResource(memberId, '*'));
        if (!(await this.repo.findMember(memberId, tx))) throw notFound('member', memberId);
      } else {
        this.authz.assert(actor, 'manageTokens', serviceTokenResource('*'));
      }
      await requireRoles(this.repo, tx, t.customRoleKeys);
      const inlinePolicy = t.inlinePolicy ? validatePolicy(t.inlinePolicy) : undefined;
      const row = await this.repo.createToken(tx, {
        name: t.name,
        purpose: t.purpose,
        hash: hashSecret(secret),
        hint: secretHint(secret),
        memberId,
        role: t.role,
        customRoleKeys: t.customRoleKeys,
        inlinePolicy,
        expiresAt: t.expiresAt ?? null,
        createdById: actor.memberId ?? actor.id,
      });
      await this.audit.record(tx, actor, {
        action: 'createToken',
        resource: formatResource(tokenResource(row)),
        after: tokenView(row),
      });
      return { ...tokenView(row), token: secret };
    });
  }

  async revoke(actor: Actor, id: string) {
    return this.repo.transaction(async (tx) => {
      const t = await this.repo.findToken(id, tx);
      if (!t) throw notFound('token', id);
      if (!(t.memberId && t.memberId === actor.memberId)) this.authz.assert(actor, 'manageTokens', tokenResource(t));
      if (t.revokedAt) return tokenView(t);
      const after = await this.repo.revokeToken(tx, id, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'revokeToken',
        resource: formatResource(tokenResource(t)),
        before: tokenView(t),
        after: tokenView(after),
      });
      return tokenView(after);
    });
  }
}
