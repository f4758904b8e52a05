import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { RedisService } from '../redis/redis.service';
import { QueueName } from './queue-names';

/**
 * Every job may run again: handlers are idempotent (the automation runner locks its row and checks
 * its status), so a run that failed for a passing reason (no database connection in time, woken
 * before its due time, a lost lock) is retried with backoff instead of being dropped until the next
 * start-up sweep. Jobs with their own policy (webhook deliveries) set theirs.
 */
const RETRIED = { attempts: 6, backoff: { type: 'exponential', delay: 2_000 } } as const;

/** BullMQ queues (producers). Workers live in src/workers; this side only enqueues and reports depth. */
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
        const counts = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed');
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

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
