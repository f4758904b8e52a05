import { Inject, Injectable } from '@nestjs/common';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { pendingMigrations } from '../../infra/prisma/migrate';
import { DatabaseProbe } from '../../infra/prisma/database-probe';
import { RedisService } from '../../infra/redis/redis.service';

export interface Readiness {
  ready: boolean;
  checks: { postgres: string; redis: string; migrations: string };
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);

/** Liveness says the process runs; readiness says it can serve: PostgreSQL, Redis, schema current. */
@Injectable()
export class HealthService {
  /** Once every migration is seen applied it stays so for this process (migrations only get added by deploys). */
  private migrationsCurrent = false;

  constructor(
    private readonly database: DatabaseProbe,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {
    metrics.gauge('gantry_db_pool_connections', 'PostgreSQL pool connections by state', ['state'], (g) => {
      const pool = this.database.pool();
      g.set({ state: 'total' }, pool.total);
      g.set({ state: 'idle' }, pool.idle);
      g.set({ state: 'waiting' }, pool.waiting);
    });
  }

  async readiness(): Promise<Readiness> {
    const [postgres, redis, migrations] = await Promise.all([
      withTimeout(this.database.ping(), 2000).then(
        () => 'ok',
        (e: Error) => `error: ${e.message}`,
      ),
      withTimeout(this.redis.client.ping(), 2000).then(
        () => 'ok',
        (e: Error) => `error: ${e.message}`,
      ),
      this.migrationCheck(),
    ]);
    return {
      ready: postgres === 'ok' && redis === 'ok' && migrations === 'ok',
      checks: { postgres, redis, migrations },
    };
  }

  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async migrationCheck(): Promise<string> {
    if (this.migrationsCurrent) return 'ok';
    try {
      const pending = await withTimeout(pendingMigrations(this.config.databaseUrl), 5000);
      this.migrationsCurrent = pending.length === 0;
      return this.migrationsCurrent ? 'ok' : `pending: ${pending.join(', ')}`;
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  }
}
