import { Injectable } from '@nestjs/common';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { HealthService } from './health.service';

/**
 * /health/ready as a metric, so Prometheus can alert on a process that runs but cannot serve
 * (GantryNotReady) without a blackbox prober. Computed when scraped, with the readiness checks'
 * own timeouts, so a scrape while a store is unreachable takes at most those.
 */
@Injectable()
export class HealthMetrics {
  constructor(health: HealthService, metrics: MetricsService) {
    metrics.gauge('gantry_ready', '1 while /health/ready answers ready, else 0', [], async (g) => {
      g.set((await health.readiness()).ready ? 1 : 0);
    });
  }
}
