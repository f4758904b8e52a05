import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { GANTRY_CONFIG, type GantryConfig } from '../config/config';
import { PrismaService } from './prisma.service';

/** How often PostgreSQL is asked `SELECT 1` on the monitor's own connection. */
const PROBE_EVERY_MS = 1_000;
/** A probe with no answer in this long failed (the pool's queries have their own, longer, timeout). */
const PROBE_TIMEOUT_MS = 2_000;
/**
 * Failed probes in a row before PostgreSQL is held unreachable. One slow answer on a busy machine
 * (an event loop blocked for a second) must not refuse every write; a refused connection is
 * unambiguous and counts at once.
 */
const DOWN_AFTER = 3;

export interface DatabaseStatus {
  up: boolean;
  /** Why the last probe failed (while down, or failing without being down yet). */
  error?: string;
  /** Since when PostgreSQL is held unreachable. */
  downSince?: Date;
}

/**
 * Watches PostgreSQL from its own connection (so a pool exhausted by busy transactions is not
 * mistaken for an outage) and acts on what it sees:
 *
 * - down: the pool refuses new queries at once (503 `unavailable` at the HTTP edge, retried jobs)
 *   instead of each waiting out DATABASE_CONNECT_TIMEOUT_MS or DATABASE_QUERY_TIMEOUT_MS, and the
 *   pool's open connections are reset, so work stuck on a link that went silent (a partition)
 *   fails now; its transactions were never committed, PostgreSQL rolls them back;
 * - up again: the pool takes queries again, and whoever registered (the workers' sweeps of what
 *   fell due meanwhile) hears of the recovery. No restart is needed.
 *
 * Readiness and the `gantry_dependency_up{dependency="postgres"}` gauge read its status.
 */
@Injectable()
export class DatabaseMonitor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private state: DatabaseStatus = { up: true };
  private probing = false;
  private stopped = false;
  private readonly recoveredListeners: (() => void)[] = [];

  constructor(
    private readonly prisma: PrismaService,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.probe(), PROBE_EVERY_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.prisma.refuseQueries(undefined);
    await this.dropClient(true);
  }

  status(): DatabaseStatus {
    return this.state;
  }

  /** Called each time PostgreSQL answers again after having been held unreachable. */
  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  /** One probe now (the timer calls it; exposed for readiness checks that want a fresh answer). */
  async probe(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    try {
      await this.ping();
      this.succeeded();
    } catch (e) {
      await this.dropClient();
      this.failed(e as Error & { code?: string });
    } finally {
      this.probing = false;
    }
  }

  private async ping(): Promise<void> {
    if (!this.client) {
      const client = new Client({
        connectionString: this.config.databaseUrl,
        connectionTimeoutMillis: PROBE_TIMEOUT_MS,
        query_timeout: PROBE_TIMEOUT_MS,
        keepAlive: true,
      });
      client.on('error', () => void this.dropClient());
      this.client = client;
      await client.connect();
    }
    await this.client.query('SELECT 1');
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.state.up) {
      if (this.state.error) this.state = { up: true };
      return;
    }
    const downFor = Date.now() - (this.state.downSince?.getTime() ?? Date.now());
    this.state = { up: true };
    this.prisma.refuseQueries(undefined);
    this.logger.warn(`PostgreSQL reachable again after ${Math.round(downFor / 1000)} s; taking queries again`);
    for (const l of this.recoveredListeners) {
      try {
        l();
      } catch (e) {
        this.logger.warn(`recovery listener failed: ${(e as Error).message}`);
      }
    }
  }

  private failed(e: Error & { code?: string }): void {
    this.failures += 1;
    const error = e.message || e.code || 'no answer';
    if (!this.state.up) {
      this.state = { ...this.state, error };
      return;
    }
    if (this.failures < DOWN_AFTER && e.code !== 'ECONNREFUSED') {
      this.state = { up: true, error };
      return;
    }
    this.state = { up: false, error, downSince: new Date() };
    this.logger.error(`PostgreSQL unreachable (${error}); refusing queries until it answers again`);
    this.prisma.refuseQueries(error);
  }

  /** Closes the probe connection; a silent link would make end() wait for ever, so its socket is destroyed. */
  private async dropClient(graceful = false): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const ended = client.end().catch(() => undefined);
    if (graceful) await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}
