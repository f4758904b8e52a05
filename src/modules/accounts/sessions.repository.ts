import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../infra/prisma/prisma.service';
import type { SessionRecord } from './account-records';

const SESSION = {
  id: true,
  memberId: true,
  method: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;

/** Browser sessions (the console): rows keyed by the SHA-256 of the cookie's secret. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: {
    hash: string;
    memberId: string;
    method: string;
    userAgent: string;
    expiresAt: Date;
  }): Promise<SessionRecord> {
    return this.prisma.session.create({ data, select: SESSION });
  }

  /** The session and whether its member is deactivated: both are checked on every request. */
  async findByHash(hash: string): Promise<(SessionRecord & { memberDeactivated: boolean }) | null> {
    const row = await this.prisma.session.findUnique({
      where: { hash },
      select: { ...SESSION, member: { select: { deactivatedAt: true } } },
    });
    if (!row) return null;
    const { member, ...session } = row;
    return { ...session, memberDeactivated: member.deactivatedAt !== null };
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.session.update({ where: { id }, data: { lastSeenAt: at } }).catch(() => undefined);
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }
}
