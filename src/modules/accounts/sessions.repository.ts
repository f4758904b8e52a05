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

  findByHash(hash: string): Promise<SessionRecord | null> {
    return this.prisma.session.findUnique({ where: { hash }, select: SESSION });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.session.update({ where: { id }, data: { lastSeenAt: at } }).catch(() => undefined);
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }
}
