import { Injectable } from '@nestjs/common';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { OutboxRepository } from './outbox.repository';

/** A scrape never waits longer than this for PostgreSQL (a hung /metrics would look like a dead process). */
const QUERY_TIMEOUT_MS = 1_000;

/**
 * The outbox backlog an operator alerts on: how long the oldest committed change has waited for a
 * relay. Read when Prometheus scrapes, the same value from every process (it is the database's);
 * NaN when PostgreSQL does not answer in time, since the age is then unknown, not zero.
 */
@Injectable()
export class OutboxMetrics {
  constructor(outbox: OutboxRepository, metrics: MetricsService) {
    metrics.gauge(
      'gantry_outbox_backlog_age_seconds',
      'Age of the oldest outbox row not yet published by a relay (0: none waiting; NaN: PostgreSQL did not answer)',
      [],
      async (g) => {
        try {
          g.set(await withTimeout(outbox.oldestUnpublishedAgeSeconds(), QUERY_TIMEOUT_MS));
        } catch {
          g.set(NaN);
        }
      },
    );
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
