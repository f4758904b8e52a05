import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { pendingMigrations } from '../../infra/prisma/migrate';
import { DatabaseMonitor } from '../../infra/prisma/database-monitor';
import { DatabaseProbe } from '../../infra/prisma/database-probe';
import { RedisService } from '../../infra/redis/redis.service';
import { readinessOf, type Readiness } from './readiness';
import { ServingReadiness } from './serving-readiness';

export type { Readiness, ReadinessStatus } from './readiness';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);

/** Liveness says the process runs; readiness says whether it can serve, and how well (Readiness). */
@Injectable()
export class HealthService implements OnModuleInit {
  /** Once every migration is seen applied it stays so for this process (migrations only get added by deploys). */
  private migrationsCurrent = false;

  constructor(
    private readonly database: DatabaseProbe,
    private readonly monitor: DatabaseMonitor,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
    private readonly serving: ServingReadiness,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {
    metrics.gauge('gantry_db_pool_connections', 'PostgreSQL pool connections by state', ['state'], (g) => {
      const pool = this.database.pool();
      g.set({ state: 'total' }, pool.total);
      g.set({ state: 'idle' }, pool.idle);
      g.set({ state: 'waiting' }, pool.waiting);
    });
    metrics.gauge(
      'gantry_dependency_up',
      'Whether a store this node depends on answers (1) or is held unreachable (0)',
      ['dependency'],
      (g) => {
        g.set({ dependency: 'postgres' }, this.monitor.status().up ? 1 : 0);
        g.set({ dependency: 'redis' }, this.redis.client.status === 'ready' ? 1 : 0);
      },
    );
  }

  onModuleInit(): void {
    void this.migrationCheck();
  }

  async readiness(): Promise<Readiness> {
    const db = this.monitor.status();
    const [redis, migrations] = await Promise.all([this.redisCheck(), this.migrationCheck()]);
    const postgres = db.up ? 'ok' : `error: ${db.error ?? 'unreachable'}`;
    const loaded = this.serving.snapshots();
    const snapshots = loaded === undefined ? undefined : loaded ? 'ok' : 'not loaded yet';
    return readinessOf({ postgres, redis, migrations, ...(snapshots ? { snapshots } : {}) });
  }

  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async redisCheck(): Promise<string> {
    // A client that is not connected queues commands until it is: answer from its state at once.
    if (this.redis.client.status !== 'ready') return `error: connection ${this.redis.client.status}`;
    return withTimeout(this.redis.client.ping(), 2000).then(
      () => 'ok',
      (e: Error) => `error: ${e.message}`,
    );
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
