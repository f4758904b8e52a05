import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** What health and metrics need of PostgreSQL, so they need not hold the Prisma client. */
@Injectable()
export class DatabaseProbe {
  constructor(private readonly prisma: PrismaService) {}

  /** Resolves once PostgreSQL has answered a trivial query. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  /** The pg pool's connections by state. */
  pool(): { total: number; idle: number; waiting: number } {
    const { totalCount, idleCount, waitingCount } = this.prisma.pool;
    return { total: totalCount, idle: idleCount, waiting: waitingCount };
  }
}
