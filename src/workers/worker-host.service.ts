import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { GANTRY_CONFIG, type GantryConfig } from '../infra/config/config';
import { Worker } from 'bullmq';
import { performance } from 'node:perf_hooks';
import type { Logger as Pino } from 'pino';
import { ROOT_LOGGER } from '../infra/logging/logger';
import { JOBS_BY_QUEUE, type JobName, QueueName } from '../infra/queues/queue-names';
import { QueuesService } from '../infra/queues/queues.service';
import { RedisService } from '../infra/redis/redis.service';
import { JOB_HANDLERS, type JobHandler } from './job-handler';

/**
 * Runs one BullMQ worker per queue and dispatches jobs by name. Start-up fails if a job name has
 * no handler or two, so a missing handler is found at deploy time, not when a job is due.
 */
@Injectable()
export class WorkerHostService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('workers');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly redis: RedisService,
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
          return h.handle(job);
        },
        {
          connection: this.redis.connectionForBullMq(),
          prefix: `${this.redis.prefix}:bull`,
          concurrency: 4,
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
  }

  /** Closing waits for the jobs in hand; the log says how many each queue finished meanwhile. */
  async onModuleDestroy(): Promise<void> {
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
