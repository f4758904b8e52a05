import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics an operator watches. Each process has its own registry (tests boot many apps
 * in one process, so the global default registry would collide).
 */
/** Longest a scrape waits for one gauge's reading. */
const GAUGE_COLLECT_TIMEOUT_MS = 2_000;

@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'gantry_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** How much SDK traffic the SDK lane (infra/http/sdk-lane.ts) answered; the rest fell back to Fastify. */
  readonly sdkLaneRequests = new Counter({
    name: 'gantry_http_sdk_lane_requests_total',
    help: 'SDK requests answered before Fastify by the SDK lane (also counted in gantry_http_request_duration_seconds)',
    registers: [this.registry],
  });

  readonly writes = new Counter({
    name: 'gantry_targeting_writes_total',
    help: 'Committed writes through the one write path, by resource kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly approvalGate = new Counter({
    name: 'gantry_approval_gate_total',
    help: 'Direct writes that needed approval: refused (approval/required) or bypassed by an actor allowed to',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly changeRequests = new Counter({
    name: 'gantry_change_request_events_total',
    help: 'Change-request lifecycle events (created, reviewed, approved, declined, applied, failed, cancelled)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly automation = new Counter({
    name: 'gantry_automation_total',
    help: 'What the workers did: scheduled changes, release steps, pipeline looks, trigger calls, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  // Bounded labels only: services and versions are whatever CI sends, so they stay out of the labels.
  readonly deployments = new Counter({
    name: 'gantry_deployments_total',
    help:
      'Deploy signals from CI: recorded, or repeated (same environment, service and version within 10 minutes), ' +
      'by whether the environment is critical',
    labelNames: ['outcome', 'critical'] as const,
    registers: [this.registry],
  });

  readonly scheduleLateness = new Histogram({
    name: 'gantry_schedule_lateness_seconds',
    help: 'How late a scheduled change or release step ran after its due time',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 'gantry_auth_failures_total',
    help: 'Rejected API credentials, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly sessionsStarted = new Counter({
    name: 'gantry_sessions_started_total',
    help: 'Console sessions opened, by sign-in method (token, oidc)',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly oidcSignIns = new Counter({
    name: 'gantry_oidc_sign_ins_total',
    help: 'OIDC sign-in callbacks, by outcome (ok, or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly dbNestedConnections = new Counter({
    name: 'gantry_db_connections_inside_transaction_total',
    help:
      'Pool connections asked for by code running inside a transaction ' +
      '(a defect: each holds two connections at once, and enough of them starve the pool)',
    registers: [this.registry],
  });

  readonly scimRequests = new Counter({
    name: 'gantry_scim_requests_total',
    help: 'SCIM provisioning requests (/scim/v2) by resource (User, Group, discovery), operation and outcome',
    labelNames: ['resource', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    // prom-client's own names already start with process_/nodejs_: gantry_process_cpu_seconds_total, not gantry_process_process_….
    collectDefaultMetrics({ register: this.registry, prefix: 'gantry_' });
  }

  /**
   * A gauge whose value is read when Prometheus scrapes (pool sizes, queue depths). A reading that
   * does not come within GAUGE_COLLECT_TIMEOUT_MS (a store that is unreachable) is not waited for:
   * the gauge keeps what it had, and the scrape still answers with everything else, including
   * gantry_dependency_up saying which store is away.
   */
  gauge(
    name: string,
    help: string,
    labelNames: string[],
    collect: (g: Gauge<string>) => Promise<void> | void,
  ): Gauge<string> {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, GAUGE_COLLECT_TIMEOUT_MS)));
        try {
          await Promise.race([Promise.resolve(collect(this)).catch(() => undefined), late]);
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }
}
