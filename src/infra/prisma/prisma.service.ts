import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { GANTRY_CONFIG, type GantryConfig } from '../config/config';
import { PrismaClient } from './generated/client';

/**
 * The one Prisma client of the process. We own the pg Pool (instead of letting the adapter make
 * one) so that /metrics can report its size and waiters.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  readonly pool: Pool;

  constructor(@Inject(GANTRY_CONFIG) config: GantryConfig) {
    const pool = new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}

/** The transaction client handed to repositories inside FlagWriteService's transaction. */
export type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/**
 * For work the workers do in the background: many due items may queue on one hot flag's row lock,
 * which is correct, just slower than Prisma's interactive-transaction defaults (2 s to get a
 * connection, 5 s in all) allow for.
 */
export const BACKGROUND_TX = { maxWait: 10_000, timeout: 60_000 } as const;
