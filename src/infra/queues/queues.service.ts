import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { bounded, RedisService } from '../redis/redis.service';
import { QueueName } from './queue-names';

/**
 * Every job may run again: handlers are idempotent (the automation runner locks its row and checks
 * its status), so a run that failed for a passing reason (no database connection in time, woken
 * before its due time, a lost lock) is retried with backoff instead of being dropped until the next
 * start-up sweep. Jobs with their own policy (webhook deliveries) set theirs.
 */
const RETRIED = { attempts: 6, backoff: { type: 'exponential', delay: 2_000 } } as const;

/**
 * BullMQ queues (producers). Workers live in src/workers; this side only enqueues and reports depth.
 * A BullMQ queue waits for Redis for as long as it is away, so callers on a request path enqueue
 * through `addBulk`, which gives up after GANTRY_REDIS_COMMAND_TIMEOUT_MS (the row in PostgreSQL
 * is the durable state and the workers' sweep enqueues it again; job ids are deterministic).
 */
@Injectable()
export class QueuesService implements OnModuleDestroy {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly redis: RedisService,
    metrics: MetricsService,
  ) {
    metrics.gauge('gantry_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], async (g) => {
      g.reset();
      for (const name of Object.values(QueueName)) {
        // A scrape while Redis is away reports no queue depth rather than hanging /metrics.
        const counts = await bounded(
          this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed'),
          this.redis.commandTimeoutMs,
          'queue depth',
        ).catch(() => ({}));
        for (const [state, n] of Object.entries(counts)) g.set({ queue: name, state }, n);
      }
    });
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.redis.connectionForBullMq(),
        prefix: `${this.redis.prefix}:bull`,
        defaultJobOptions: RETRIED,
      });
      this.queues.set(name, q);
    }
    return q;
  }

  /** Adds jobs, or rejects once Redis has not taken them within the command timeout. */
  addBulk(name: QueueName, jobs: { name: string; data: unknown; opts?: JobsOptions }[]): Promise<Job[]> {
    return bounded(this.queue(name).addBulk(jobs), this.redis.commandTimeoutMs, `enqueue on ${name}`);
  }

  /** Any other queue call from a request path, bounded the same way. */
  call<T>(name: QueueName, what: string, fn: (q: Queue) => Promise<T>): Promise<T> {
    return bounded(fn(this.queue(name)), this.redis.commandTimeoutMs, `${what} on ${name}`);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
