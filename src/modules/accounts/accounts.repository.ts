import { Injectable } from '@nestjs/common';
import type { BuiltinRole, PolicyStatement } from '../../core/policy';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type {
  AccessToken,
  CustomRole,
  MemberWithRoles,
  NewToken,
  Team,
  TeamWithLinks,
  TokenStatus,
  TokenWithMember,
} from './account-records';
import { prepared } from '../../infra/prisma/prepared-statements';

const memberWithRoles = {
  customRoles: { include: { role: true } },
  teams: { include: { team: { include: { customRoles: { include: { role: true } } } } } },
} satisfies Prisma.MemberInclude;
const teamWithLinks = { members: true, customRoles: { include: { role: true } } } satisfies Prisma.TeamInclude;

type RoleRow = Prisma.CustomRoleGetPayload<object>;
type MemberRow = Prisma.MemberGetPayload<{ include: typeof memberWithRoles }>;
type TeamRow = Prisma.TeamGetPayload<{ include: typeof teamWithLinks }>;
type TokenRow = Prisma.AccessTokenGetPayload<object>;

// Policies are written only from validatePolicy's output (RolesService, TokensService).
const toRole = (r: RoleRow): CustomRole => ({ ...r, policy: fromJson<PolicyStatement[]>(r.policy) });

const toMember = ({ customRoles, teams, ...m }: MemberRow): MemberWithRoles => ({
  ...m,
  customRoles: customRoles.map((l) => toRole(l.role)),
  teams: teams.map(({ team }) => ({ key: team.key, customRoles: team.customRoles.map((l) => toRole(l.role)) })),
});

const toTeam = ({ members, customRoles, ...t }: TeamRow): TeamWithLinks => ({
  ...t,
  memberIds: members.map((m) => m.memberId),
  customRoles: customRoles.map((l) => toRole(l.role)),
});

const toToken = (t: TokenRow): AccessToken => ({
  ...t,
  inlinePolicy: t.inlinePolicy === null ? null : fromJson<PolicyStatement[]>(t.inlinePolicy),
});

const orNull =
  <R, T>(map: (row: R) => T) =>
  (row: R | null): T | null =>
    row && map(row);

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

  /** Just what every request must check afresh: is the token known, revoked, expired, for this API, its member active. */
  async findTokenStatus(hash: string): Promise<TokenStatus | null> {
    // Raw: every authenticated request asks this, and Prisma's runtime would cost about as much again
    // as the query itself (accounts.repository.spec.ts checks it answers as the Prisma query did).
    const [row] = await this.prisma.sql<
      Omit<TokenStatus, 'member'> & { memberId: string | null; deactivatedAt: Date | null }
    >(
      undefined,
      prepared(
        'token_status',
        Prisma.sql`
      SELECT t."id", t."name", t."purpose"::text AS "purpose", t."revokedAt", t."expiresAt", t."memberId", m."deactivatedAt"
      FROM "AccessToken" t LEFT JOIN "Member" m ON m."id" = t."memberId"
      WHERE t."hash" = ${hash}`,
      ),
    );
    if (!row) return null;
    const { memberId, deactivatedAt, ...token } = row;
    return { ...token, member: memberId === null ? null : { deactivatedAt } };
  }

  async findTokenWithMember(id: string): Promise<TokenWithMember | null> {
    const row = await this.prisma.accessToken.findUnique({
      where: { id },
      include: { member: { include: memberWithRoles } },
    });
    if (!row) return null;
    const { member, ...token } = row;
    return { ...toToken(token), member: member && toMember(member) };
  }

  async findRolesByKeys(keys: string[], tx?: Tx): Promise<CustomRole[]> {
    if (!keys.length) return [];
    return (await dbOf(this.prisma, tx).customRole.findMany({ where: { key: { in: keys } } })).map(toRole);
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.prisma.accessToken.update({ where: { id }, data: { lastUsedAt: at } }).catch(() => undefined);
  }

  // ---- members
  async listMembers(take: number, skip: number): Promise<MemberWithRoles[]> {
    const rows = await this.prisma.member.findMany({
      include: memberWithRoles,
      orderBy: { createdAt: 'asc' },
      take,
      skip,
    });
    return rows.map(toMember);
  }
  async findMember(id: string, tx?: Tx): Promise<MemberWithRoles | null> {
    return orNull(toMember)(await dbOf(this.prisma, tx).member.findUnique({ where: { id }, include: memberWithRoles }));
  }
  async findMemberByEmail(email: string, tx?: Tx): Promise<MemberWithRoles | null> {
    return orNull(toMember)(
      await dbOf(this.prisma, tx).member.findUnique({ where: { email }, include: memberWithRoles }),
    );
  }
  async findMemberByOidcSubject(subject: string, tx?: Tx): Promise<MemberWithRoles | null> {
    return orNull(toMember)(
      await dbOf(this.prisma, tx).member.findUnique({ where: { oidcSubject: subject }, include: memberWithRoles }),
    );
  }
  async createMember(
    tx: Tx,
    data: {
      email: string;
      name: string;
      role: BuiltinRole | null;
      roleIds: string[];
      teamIds: string[];
      oidcSubject?: string;
    },
  ): Promise<MemberWithRoles> {
    const row = await txClient(tx).member.create({
      data: {
        email: data.email,
        name: data.name,
        role: data.role,
        oidcSubject: data.oidcSubject,
        customRoles: { create: data.roleIds.map((roleId) => ({ roleId })) },
        teams: { create: data.teamIds.map((teamId) => ({ teamId })) },
      },
      include: memberWithRoles,
    });
    return toMember(row);
  }
  async updateMember(
    tx: Tx,
    id: string,
    data: { name?: string; role?: BuiltinRole | null; roleIds?: string[]; teamIds?: string[]; oidcSubject?: string },
  ): Promise<MemberWithRoles> {
    const row = await txClient(tx).member.update({
      where: { id },
      data: {
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.oidcSubject !== undefined ? { oidcSubject: data.oidcSubject } : {}),
        ...(data.role !== undefined ? { role: data.role } : {}),
        ...(data.roleIds
          ? { customRoles: { deleteMany: {}, create: data.roleIds.map((roleId) => ({ roleId })) } }
          : {}),
        ...(data.teamIds ? { teams: { deleteMany: {}, create: data.teamIds.map((teamId) => ({ teamId })) } } : {}),
      },
      include: memberWithRoles,
    });
    return toMember(row);
  }
  async deleteMember(tx: Tx, id: string): Promise<void> {
    await txClient(tx).member.delete({ where: { id } });
  }

  // ---- teams
  async listTeams(): Promise<TeamWithLinks[]> {
    return (await this.prisma.team.findMany({ include: teamWithLinks, orderBy: { key: 'asc' } })).map(toTeam);
  }
  async findTeam(key: string, tx?: Tx): Promise<TeamWithLinks | null> {
    return orNull(toTeam)(await dbOf(this.prisma, tx).team.findUnique({ where: { key }, include: teamWithLinks }));
  }
  async findTeamsByKeys(keys: string[], tx?: Tx): Promise<Team[]> {
    return keys.length ? dbOf(this.prisma, tx).team.findMany({ where: { key: { in: keys } } }) : [];
  }
  async createTeam(
    tx: Tx,
    data: { key: string; name: string; description: string; memberIds: string[]; roleIds: string[] },
  ): Promise<TeamWithLinks> {
    const row = await txClient(tx).team.create({
      data: {
        key: data.key,
        name: data.name,
        description: data.description,
        members: { create: data.memberIds.map((memberId) => ({ memberId })) },
        customRoles: { create: data.roleIds.map((roleId) => ({ roleId })) },
      },
      include: teamWithLinks,
    });
    return toTeam(row);
  }
  async updateTeam(
    tx: Tx,
    key: string,
    data: { name?: string; description?: string; memberIds?: string[]; roleIds?: string[] },
  ): Promise<TeamWithLinks> {
    const row = await txClient(tx).team.update({
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
      include: teamWithLinks,
    });
    return toTeam(row);
  }
  async deleteTeam(tx: Tx, key: string): Promise<void> {
    await txClient(tx).team.delete({ where: { key } });
  }
  async countMembers(ids: string[], tx?: Tx): Promise<number> {
    return ids.length ? dbOf(this.prisma, tx).member.count({ where: { id: { in: ids } } }) : 0;
  }

  // ---- custom roles
  async listRoles(): Promise<CustomRole[]> {
    return (await this.prisma.customRole.findMany({ orderBy: { key: 'asc' } })).map(toRole);
  }
  async findRole(key: string, tx?: Tx): Promise<CustomRole | null> {
    return orNull(toRole)(await dbOf(this.prisma, tx).customRole.findUnique({ where: { key } }));
  }
  async createRole(
    tx: Tx,
    data: { key: string; name: string; description: string; policy: PolicyStatement[] },
  ): Promise<CustomRole> {
    return toRole(await txClient(tx).customRole.create({ data: { ...data, policy: toJson(data.policy) } }));
  }
  async updateRole(
    tx: Tx,
    key: string,
    data: { name?: string; description?: string; policy?: PolicyStatement[] },
  ): Promise<CustomRole> {
    const { policy, ...plain } = data;
    const row = await txClient(tx).customRole.update({
      where: { key },
      data: { ...plain, ...(policy !== undefined ? { policy: toJson(policy) } : {}) },
    });
    return toRole(row);
  }
  async deleteRole(tx: Tx, key: string): Promise<void> {
    await txClient(tx).customRole.delete({ where: { key } });
  }

  // ---- tokens
  async listTokens(memberId?: string): Promise<AccessToken[]> {
    const rows = await this.prisma.accessToken.findMany({
      where: memberId ? { memberId } : {},
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toToken);
  }
  async findToken(id: string, tx?: Tx): Promise<AccessToken | null> {
    return orNull(toToken)(await dbOf(this.prisma, tx).accessToken.findUnique({ where: { id } }));
  }
  async createToken(tx: Tx, data: NewToken): Promise<AccessToken> {
    const { inlinePolicy, ...plain } = data;
    const row = await txClient(tx).accessToken.create({
      data: { ...plain, ...(inlinePolicy !== undefined ? { inlinePolicy: toJson(inlinePolicy) } : {}) },
    });
    return toToken(row);
  }
  async revokeToken(tx: Tx, id: string, at: Date): Promise<AccessToken> {
    return toToken(await txClient(tx).accessToken.update({ where: { id }, data: { revokedAt: at } }));
  }
  async findOwnerToken(tx: Tx): Promise<AccessToken | null> {
    return orNull(toToken)(
      await txClient(tx).accessToken.findFirst({ where: { isOwnerToken: true, revokedAt: null } }),
    );
  }
  async lockBootstrap(tx: Tx): Promise<void> {
    // Two processes starting at once must not both mint an owner token.
    await txClient(tx).$executeRaw`SELECT pg_advisory_xact_lock(7210002)`;
  }
}
