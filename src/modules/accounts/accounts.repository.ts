import { Injectable } from '@nestjs/common';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';

const memberWithRoles = {
  customRoles: { include: { role: true } },
  teams: { include: { team: { include: { customRoles: { include: { role: true } } } } } },
} satisfies Prisma.MemberInclude;

export type MemberWithRoles = Prisma.MemberGetPayload<{ include: typeof memberWithRoles }>;
export type TokenWithMember = Prisma.AccessTokenGetPayload<{
  include: { member: { include: typeof memberWithRoles } };
}>;
export type TeamWithLinks = Prisma.TeamGetPayload<{
  include: { members: true; customRoles: { include: { role: true } } };
}>;

/** Members, teams, custom roles and tokens: everything the accounts module persists. */
@Injectable()
export class AccountsRepository {
  private readonly commitListeners: (() => void)[] = [];

  constructor(private readonly prisma: PrismaService) {}

  /** Accounts writes change who may do what; listeners (the policy cache) hear of every commit. */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.prisma.transaction(fn);
    for (const l of this.commitListeners) l();
    return result;
  }

  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  /** Just what every request must check afresh: is the token known, revoked, expired. */
  findTokenStatus(hash: string) {
    return this.prisma.accessToken.findUnique({
      where: { hash },
      select: { id: true, revokedAt: true, expiresAt: true },
    });
  }

  findTokenWithMember(id: string): Promise<TokenWithMember | null> {
    return this.prisma.accessToken.findUnique({ where: { id }, include: { member: { include: memberWithRoles } } });
  }

  findRolesByKeys(keys: string[], tx?: Tx) {
    return keys.length
      ? dbOf(this.prisma, tx).customRole.findMany({ where: { key: { in: keys } } })
      : Promise.resolve([]);
  }

  touchToken(id: string, at: Date) {
    return this.prisma.accessToken.update({ where: { id }, data: { lastUsedAt: at } }).catch(() => undefined);
  }

  // ---- members
  listMembers(take: number, skip: number) {
    return this.prisma.member.findMany({ include: memberWithRoles, orderBy: { createdAt: 'asc' }, take, skip });
  }
  findMember(id: string, tx?: Tx) {
    return dbOf(this.prisma, tx).member.findUnique({ where: { id }, include: memberWithRoles });
  }
  findMemberByEmail(email: string, tx?: Tx) {
    return dbOf(this.prisma, tx).member.findUnique({ where: { email }, include: memberWithRoles });
  }
  createMember(
    tx: Tx,
    data: { email: string; name: string; role: Prisma.MemberCreateInput['role']; roleIds: string[]; teamIds: string[] },
  ) {
    return txClient(tx).member.create({
      data: {
        email: data.email,
        name: data.name,
        role: data.role,
        customRoles: { create: data.roleIds.map((roleId) => ({ roleId })) },
        teams: { create: data.teamIds.map((teamId) => ({ teamId })) },
      },
      include: memberWithRoles,
    });
  }
  updateMember(
    tx: Tx,
    id: string,
    data: { name?: string; role?: Prisma.MemberUpdateInput['role']; roleIds?: string[]; teamIds?: string[] },
  ) {
    return txClient(tx).member.update({
      where: { id },
      data: {
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.role !== undefined ? { role: data.role } : {}),
        ...(data.roleIds
          ? { customRoles: { deleteMany: {}, create: data.roleIds.map((roleId) => ({ roleId })) } }
          : {}),
        ...(data.teamIds ? { teams: { deleteMany: {}, create: data.teamIds.map((teamId) => ({ teamId })) } } : {}),
      },
      include: memberWithRoles,
    });
  }
  deleteMember(tx: Tx, id: string) {
    return txClient(tx).member.delete({ where: { id } });
  }

  // ---- teams
  listTeams() {
    return this.prisma.team.findMany({
      include: { members: true, customRoles: { include: { role: true } } },
      orderBy: { key: 'asc' },
    });
  }
  findTeam(key: string, tx?: Tx) {
    return dbOf(this.prisma, tx).team.findUnique({
      where: { key },
      include: { members: true, customRoles: { include: { role: true } } },
    });
  }
  findTeamsByKeys(keys: string[], tx?: Tx) {
    return keys.length ? dbOf(this.prisma, tx).team.findMany({ where: { key: { in: keys } } }) : Promise.resolve([]);
  }
  createTeam(tx: Tx, data: { key: string; name: string; description: string; memberIds: string[]; roleIds: string[] }) {
    return txClient(tx).team.create({
      data: {
        key: data.key,
        name: data.name,
        description: data.description,
        members: { create: data.memberIds.map((memberId) => ({ memberId })) },
        customRoles: { create: data.roleIds.map((roleId) => ({ roleId })) },
      },
      include: { members: true, customRoles: { include: { role: true } } },
    });
  }
  updateTeam(
    tx: Tx,
    key: string,
    data: { name?: string; description?: string; memberIds?: string[]; roleIds?: string[] },
  ) {
    return txClient(tx).team.update({
      where: { key },
      data: {
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.description !== undefined ? { description: data.description } : {}),
        ...(data.memberIds
          ? { members: { deleteMany: {}, create: data.memberIds.map((memberId) => ({ memberId })) } }
          : {}),
        ...(data.roleIds
          ? { customRoles: { deleteMany: {}, create: data.roleIds.map((roleId) => ({ roleId })) } }
          : {}),
      },
      include: { members: true, customRoles: { include: { role: true } } },
    });
  }
  deleteTeam(tx: Tx, key: string) {
    return txClient(tx).team.delete({ where: { key } });
  }
  countMembers(ids: string[], tx?: Tx) {
    return ids.length ? dbOf(this.prisma, tx).member.count({ where: { id: { in: ids } } }) : Promise.resolve(0);
  }

  // ---- custom roles
  listRoles() {
    return this.prisma.customRole.findMany({ orderBy: { key: 'asc' } });
  }
  findRole(key: string, tx?: Tx) {
    return dbOf(this.prisma, tx).customRole.findUnique({ where: { key } });
  }
  createRole(tx: Tx, data: { key: string; name: string; description: string; policy: Prisma.InputJsonValue }) {
    return txClient(tx).customRole.create({ data });
  }
  updateRole(tx: Tx, key: string, data: { name?: string; description?: string; policy?: Prisma.InputJsonValue }) {
    return txClient(tx).customRole.update({ where: { key }, data });
  }
  deleteRole(tx: Tx, key: string) {
    return txClient(tx).customRole.delete({ where: { key } });
  }

  // ---- tokens
  listTokens(memberId?: string) {
    return this.prisma.accessToken.findMany({ where: memberId ? { memberId } : {}, orderBy: { createdAt: 'asc' } });
  }
  findToken(id: string, tx?: Tx) {
    return dbOf(this.prisma, tx).accessToken.findUnique({ where: { id } });
  }
  createToken(tx: Tx, data: Prisma.AccessTokenUncheckedCreateInput) {
    return txClient(tx).accessToken.create({ data });
  }
  revokeToken(tx: Tx, id: string, at: Date) {
    return txClient(tx).accessToken.update({ where: { id }, data: { revokedAt: at } });
  }
  findOwnerToken(tx: Tx) {
    return txClient(tx).accessToken.findFirst({ where: { isOwnerToken: true, revokedAt: null } });
  }
  lockBootstrap(tx: Tx) {
    // Two processes starting at once must not both mint an owner token.
    return txClient(tx).$executeRaw`SELECT pg_advisory_xact_lock(7210002)`;
  }
}
