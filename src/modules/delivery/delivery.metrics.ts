import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../../infra/metrics/metrics.service';

const OK_SURFACES = ['ofrep', 'ofrep-bulk'] as const;
type OkSurface = (typeof OK_SURFACES)[number];

/** What an operator watches on delivery (gauges for streams and revisions live with their owners). */
@Injectable()
export class DeliveryMetrics {
  readonly eventsSent: Counter;
  readonly propagationLag: Histogram;
  readonly published: Counter;
  readonly evaluations: Counter<'surface' | 'result'>;
  readonly slowClients: Counter;
  readonly sdkEvents: Counter<'kind'>;
  readonly sdkEventsStored: Counter;
  readonly sdkEventsDropped: Counter;
  /** Successful OFREP evaluations not yet added to `evaluations` (see countOk). */
  private readonly okPending: Record<OkSurface, number> = { ofrep: 0, 'ofrep-bulk': 0 };

  constructor(m: MetricsService) {
    const registers = [m.registry];
    this.eventsSent = new Counter({
      name: 'gantry_sse_events_sent_total',
      help: 'SSE events written to SDK streams',
      registers,
    });
    this.propagationLag = new Histogram({
      name: 'gantry_propagation_lag_seconds',
      help: 'From commit (outbox row) to the change being applied and sent by this node',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.published = new Counter({
      name: 'gantry_outbox_published_total',
      help: 'Outbox rows published to Redis by this node',
      registers,
    });
    const okPending = this.okPending;
    this.evaluations = new Counter({
      name: 'gantry_evaluations_total',
      help: 'Flag evaluations served, by surface and result',
      labelNames: ['surface', 'result'],
      registers,
      collect() {
        for (const surface of OK_SURFACES) {
          if (okPending[surface]) this.inc({ surface, result: 'ok' }, okPending[surface]);
          okPending[surface] = 0;
        }
      },
    });
    this.slowClients = new Counter({
      name: 'gantry_sse_slow_clients_total',
      help: 'Streams closed because the client stopped reading',
      registers,
    });
    this.sdkEvents = new Counter({
      name: 'gantry_sdk_events_received_total',
      help: 'Events received from SDKs on /bulk, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.sdkEventsStored = new Counter({
      name: 'gantry_sdk_events_stored_total',
      help: 'SDK events stored as rows for a guarded release (the rest are only counted)',
      registers,
    });
    this.sdkEventsDropped = new Counter({
      name: 'gantry_sdk_events_dropped_total',
      help:
        'SDK events a guarded release would have stored, dropped because PostgreSQL was unreachable ' +
        '(the evaluation counts of summaries are kept)',
      registers,
    });
  }

  /**
   * Counts successful evaluations of an SDK route. They happen on every request: a plain number is
   * added here and moved into `gantry_evaluations_total` when the counter is read (a scrape), so the
   * request path does not hash prom-client labels. Other results go to `evaluations` directly.
   */
  countOk(surface: OkSurface, n: number): void {
    this.okPending[surface] += n;
  }
}
