import { Injectable } from '@nestjs/common';
import type { BuiltinRole } from '../../core/policy';
import { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type { DirectoryMember, DirectoryTeam, MemberCriteria, TeamCriteria } from './account-records';

const memberWithTeams = {
  teams: { select: { team: { select: { id: true, name: true } } }, orderBy: { team: { name: 'asc' } } },
} satisfies Prisma.MemberInclude;
const teamWithMembers = {
  members: { select: { member: { select: { id: true, email: true, name: true } } }, orderBy: { memberId: 'asc' } },
} satisfies Prisma.TeamInclude;

type MemberRow = Prisma.MemberGetPayload<{ include: typeof memberWithTeams }>;
type TeamRow = Prisma.TeamGetPayload<{ include: typeof teamWithMembers }>;

const toMember = ({ teams, ...m }: MemberRow): DirectoryMember => ({
  ...m,
  teams: teams.map((t) => t.team),
});
const toTeam = ({ members, ...t }: TeamRow): DirectoryTeam => ({ ...t, members: members.map((m) => m.member) });

const memberWhere = (c: MemberCriteria): Prisma.MemberWhereInput => ({
  ...(c.id !== undefined ? { id: c.id } : {}),
  ...(c.email !== undefined ? { email: c.email } : {}),
  ...(c.externalId !== undefined ? { externalId: c.externalId } : {}),
});
const teamWhere = (c: TeamCriteria): Prisma.TeamWhereInput => ({
  ...(c.id !== undefined ? { id: c.id } : {}),
  ...(c.name !== undefined ? { name: { equals: c.name, mode: 'insensitive' } } : {}),
  ...(c.externalId !== undefined ? { externalId: c.externalId } : {}),
  ...(c.memberId !== undefined ? { members: { some: { memberId: c.memberId } } } : {}),
});

/**
 * What identity provisioning (SCIM now, OIDC sign-in can share it) reads and writes of members and
 * teams beyond AccountsRepository: external ids, deactivation and the credentials it revokes,
 * lookups by email/externalId/name with paging. Ids passed in are UUIDs (services check first).
 */
@Injectable()
export class ProvisioningRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Serialises provisioning writes to the same rows: a PATCH reads what it changes, and two group
   * changes at once must not lose a member or compute a role from half the picture. Membership
   * rows take KEY SHARE on their member and team: role updates lock with NO KEY UPDATE, which lets
   * that through; a member's own update (its email is a key) locks FOR UPDATE before anything else,
   * so neither order can deadlock.
   */
  async lock(tx: Tx, table: 'Member' | 'Team', ids: string[], strength: 'update' | 'no key update'): Promise<void> {
    if (!ids.length) return;
    const mode = strength === 'update' ? Prisma.sql`FOR UPDATE` : Prisma.sql`FOR NO KEY UPDATE`;
    const from = table === 'Member' ? Prisma.sql`"Member"` : Prisma.sql`"Team"`;
    await txClient(tx).$queryRaw`SELECT id FROM ${from} WHERE id = ANY(${ids}::uuid[]) ORDER BY id ${mode}`;
  }

  // ---- members
  async findMembers(c: MemberCriteria, skip: number, take: number, tx?: Tx): Promise<DirectoryMember[]> {
    const rows = await dbOf(this.prisma, tx).member.findMany({
      where: memberWhere(c),
      include: memberWithTeams,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      skip,
      take,
    });
    return rows.map(toMember);
  }
  countMembers(c: MemberCriteria): Promise<number> {
    return this.prisma.member.count({ where: memberWhere(c) });
  }
  async findMember(id: string, tx?: Tx): Promise<DirectoryMember | null> {
    const row = await dbOf(this.prisma, tx).member.findUnique({ where: { id }, include: memberWithTeams });
    return row && toMember(row);
  }
  async existingMemberIds(tx: Tx, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await txClient(tx).member.findMany({ where: { id: { in: ids } }, select: { id: true } });
    return rows.map((r) => r.id);
  }
  async createMember(
    tx: Tx,
    data: { email: string; name: string; role: BuiltinRole; externalId: string | null },
  ): Promise<string> {
    return (await txClient(tx).member.create({ data, select: { id: true } })).id;
  }
  async updateMember(tx: Tx, id: string, data: { email?: string; name?: string; externalId?: string | null }) {
    await txClient(tx).member.update({ where: { id }, data });
  }
  async setRole(tx: Tx, id: string, role: BuiltinRole): Promise<void> {
    await txClient(tx).member.update({ where: { id }, data: { role } });
  }
  async setDeactivatedAt(tx: Tx, id: string, at: Date | null): Promise<void> {
    await txClient(tx).member.update({ where: { id }, data: { deactivatedAt: at } });
  }

  /** Revokes every live token and browser session of the member; says what it revoked. */
  async revokeCredentials(tx: Tx, memberId: string, at: Date): Promise<{ tokenIds: string[]; sessions: number }> {
    const db = txClient(tx);
    const live = await db.accessToken.findMany({ where: { memberId, revokedAt: null }, select: { id: true } });
    const tokenIds = live.map((t) => t.id);
    if (tokenIds.length) await db.accessToken.updateMany({ where: { id: { in: tokenIds } }, data: { revokedAt: at } });
    const sessions = await db.session.updateMany({ where: { memberId, revokedAt: null }, data: { revokedAt: at } });
    return { tokenIds, sessions: sessions.count };
  }

  /** For role mapping: the members' roles, external ids and the names of all their teams. */
  async membersWithGroups(
    tx: Tx,
    ids: string[],
  ): Promise<{ id: string; role: BuiltinRole | null; externalId: string | null; groups: string[] }[]> {
    if (!ids.length) return [];
    const rows = await txClient(tx).member.findMany({
      where: { id: { in: ids } },
      select: { id: true, role: true, externalId: true, teams: { select: { team: { select: { name: true } } } } },
    });
    return rows.map(({ teams, ...m }) => ({ ...m, groups: teams.map((t) => t.team.name) }));
  }

  // ---- teams
  async findTeams(c: TeamCriteria, skip: number, take: number, tx?: Tx): Promise<DirectoryTeam[]> {
    const rows = await dbOf(this.prisma, tx).team.findMany({
      where: teamWhere(c),
      include: teamWithMembers,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      skip,
      take,
    });
    return rows.map(toTeam);
  }
  countTeams(c: TeamCriteria): Promise<number> {
    return this.prisma.team.count({ where: teamWhere(c) });
  }
  async findTeam(id: string, tx?: Tx): Promise<DirectoryTeam | null> {
    const row = await dbOf(this.prisma, tx).team.findUnique({ where: { id }, include: teamWithMembers });
    return row && toTeam(row);
  }
  async findTeamByKey(tx: Tx, key: string): Promise<DirectoryTeam | null> {
    const row = await txClient(tx).team.findUnique({ where: { key }, include: teamWithMembers });
    return row && toTeam(row);
  }
  /** Keys equal to `key` or `key-<n>`, to pick a free one. */
  async keysLike(tx: Tx, key: string): Promise<Set<string>> {
    const rows = await txClient(tx).team.findMany({ where: { key: { startsWith: key } }, select: { key: true } });
    return new Set(rows.map((r) => r.key));
  }
  async createTeam(tx: Tx, data: { key: string; name: string; externalId: string | null }): Promise<string> {
    return (await txClient(tx).team.create({ data, select: { id: true } })).id;
  }
  /** Sets name, externalId and the exact member list; bumps updatedAt even when only members change. */
  async updateTeam(
    tx: Tx,
    id: string,
    data: { name: string; externalId: string | null; memberIds: string[] },
    at: Date,
  ): Promise<void> {
    await txClient(tx).team.update({
      where: { id },
      data: {
        name: data.name,
        externalId: data.externalId,
        updatedAt: at,
        members: { deleteMany: {}, create: data.memberIds.map((memberId) => ({ memberId })) },
      },
    });
  }
}
