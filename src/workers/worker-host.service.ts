import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { GANTRY_CONFIG, type GantryConfig } from '../infra/config/config';
import { Worker } from 'bullmq';
import { performance } from 'node:perf_hooks';
import type { Logger as Pino } from 'pino';
import { ROOT_LOGGER } from '../infra/logging/logger';
import { JOBS_BY_QUEUE, type JobName, QueueName } from '../infra/queues/queue-names';
import { QueuesService } from '../infra/queues/queues.service';
import { RedisService } from '../infra/redis/redis.service';
import { DatabaseMonitor } from '../infra/prisma/database-monitor';
import { inJobSpan } from '../infra/tracing/spans';
import { JOB_HANDLERS, type JobHandler, type SweepOccasion } from './job-handler';

/**
 * Runs one BullMQ worker per queue and dispatches jobs by name. Start-up fails if a job name has
 * no handler or two, so a missing handler is found at deploy time, not when a job is due.
 *
 * Also runs the handlers' sweeps (PostgreSQL is the state, a job only the alarm clock): at start-up,
 * as soon as Redis or PostgreSQL is reachable again after it was lost (what could not be enqueued
 * meanwhile, an alarm whose retries ran out meanwhile, or what fell due meanwhile, runs then, late
 * but once), and every GANTRY_SWEEP_INTERVAL_MS.
 */
@Injectable()
export class WorkerHostService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('workers');
  private readonly workers: Worker[] = [];
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private sweepAgain?: SweepOccasion;
  private redisLost = false;
  private stopped = false;

  constructor(
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly redis: RedisService,
    private readonly database: DatabaseMonitor,
    private readonly queues: QueuesService,
    @Inject(ROOT_LOGGER) private readonly root: Pino,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  onApplicationBootstrap(): void {
    const byQueue = checkHandlers(this.handlers);
    for (const [queue, handlers] of byQueue) {
      const worker = new Worker(
        queue,
        async (job) => {
          const h = handlers.get(job.name);
          if (!h) throw new Error(`no handler for job '${job.name}' on queue '${queue}'`);
          // `job <name>`: its own trace, linked to the request that enqueued it.
          return inJobSpan(job, () => h.handle(job));
        },
        {
          connection: this.redis.connectionForBullMq(),
          prefix: `${this.redis.prefix}:bull`,
          concurrency: this.config.workerConcurrency,
          // A job held by a worker that died (SIGKILL, lost host) is found stalled and runs again
          // elsewhere; its handler finds the row already done and does nothing (AutomationRunner).
          lockDuration: this.config.jobLockMs,
          stalledInterval: this.config.jobLockMs,
        },
      );
      worker.on('failed', (job, err) => this.logger.error(`job ${job?.name}#${job?.id} failed: ${err.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`workers running for queues: ${[...byQueue.keys()].join(', ')}`);
    // Periodic jobs: one scheduler per job name (upsert, so every worker process may declare it).
    // everyMs 0: periodic but switched off by configuration, so a scheduler left by an earlier start goes.
    for (const h of this.handlers) {
      if (h.everyMs === undefined) continue;
      const queue = this.queues.queue(h.queue);
      (h.everyMs > 0
        ? queue.upsertJobScheduler(h.job, { every: h.everyMs }, { name: h.job })
        : queue.removeJobScheduler(h.job)
      ).catch((e: Error) => this.logger.warn(`scheduling ${h.job} failed: ${e.message}`));
    }
    this.sweep('start-up');
    this.sweepTimer = setInterval(() => this.sweep('periodic'), this.config.sweepIntervalMs).unref();
    const client = this.redis.client;
    client.on('close', () => (this.redisLost = true));
    client.on('ready', () => {
      if (!this.redisLost) return;
      this.redisLost = false;
      this.sweep('reconnected');
    });
    this.database.onRecovered(() => this.sweep('reconnected'));
  }

  /** Runs every handler's sweep, one sweep at a time (one asked for meanwhile runs right after). */
  sweep(occasion: SweepOccasion): void {
    if (this.stopped) return;
    if (this.sweeping) {
      if (this.sweepAgain !== 'reconnected') this.sweepAgain = occasion;
      return;
    }
    this.sweeping = this.runSweeps(occasion).finally(() => {
      this.sweeping = undefined;
      const again = this.sweepAgain;
      this.sweepAgain = undefined;
      if (again) this.sweep(again);
    });
  }

  private async runSweeps(occasion: SweepOccasion): Promise<void> {
    await Promise.all(
      this.handlers.map(async (h) => {
        if (!h.sweep) return;
        try {
          const outcome = await h.sweep(occasion);
          if (occasion !== 'periodic')
            this.logger.log(`${occasion} sweep of ${h.job}: ${JSON.stringify(outcome ?? {})}`);
        } catch (e) {
          this.logger.warn(`${occasion} sweep of ${h.job} failed: ${(e as Error).message}`);
        }
      }),
    );
  }

  /** Closing waits for the jobs in hand; the log says how many each queue finished meanwhile. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping;
    const started = performance.now();
    const drained: Record<string, { completed: number; failed: number }> = {};
    for (const w of this.workers) {
      const count = (drained[w.name] = { completed: 0, failed: 0 });
      w.on('completed', () => count.completed++);
      w.on('failed', () => count.failed++);
    }
    await Promise.all(this.workers.map((w) => w.close()));
    this.root.info(
      { context: 'workers', drained, durationMs: Math.round(performance.now() - started) },
      'workers closed',
    );
  }
}

export function checkHandlers(handlers: JobHandler[]): Map<QueueName, Map<string, JobHandler>> {
  const byQueue = new Map<QueueName, Map<string, JobHandler>>();
  for (const [queue, jobs] of Object.entries(JOBS_BY_QUEUE) as [QueueName, JobName[]][]) {
    const m = new Map<string, JobHandler>();
    for (const job of jobs) {
      const found = handlers.filter((h) => h.queue === queue && h.job === job);
      if (found.length !== 1)
        throw new Error(`job '${job}' on queue '${queue}' has ${found.length} handlers; it needs exactly one`);
      m.set(job, found[0]);
    }
    byQueue.set(queue, m);
  }
  const unknown = handlers.filter((h) => !JOBS_BY_QUEUE[h.queue]?.includes(h.job));
  if (unknown.length) throw new Error(`handlers for unknown jobs: ${unknown.map((h) => h.job).join(', ')}`);
  return byQueue;
}
