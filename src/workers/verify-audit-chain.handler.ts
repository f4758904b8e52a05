import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { ChainCheck } from '../core/audit/hash-chain';
import { ClockService } from '../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../infra/config/config';
import { ROOT_LOGGER } from '../infra/logging/logger';
import { MetricsService } from '../infra/metrics/metrics.service';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { systemActor } from '../modules/accounts/system-actor';
import { AuditService } from '../modules/audit/audit.service';
import type { JobHandler } from './job-handler';

const RESULTS = ['ok', 'broken', 'error'] as const;

/**
 * Verification of the audit chain as a job: on request (POST /audit-log/verifications, for logs too
 * long to verify in a request) and periodically, every GANTRY_AUDIT_VERIFY_MINUTES, through the
 * worker host's one scheduler (so one worker runs it, however many there are). Every run logs one
 * structured line and is counted, so an alert fires when the chain breaks or stops being verified
 * (ops/prometheus/gantry-alerts.yml).
 */
@Injectable()
export class VerifyAuditChainHandler implements JobHandler {
  readonly queue = QueueName.Maintenance;
  readonly job = JobName.VerifyAuditChain;
  readonly everyMs: number;
  private readonly runs: Counter<'result'>;
  private readonly lastOk: Gauge;

  constructor(
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    metrics: MetricsService,
    @Inject(GANTRY_CONFIG) config: GantryConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.everyMs = config.auditVerifyEveryMs;
    const registers = [metrics.registry];
    this.runs = new Counter({
      name: 'gantry_audit_chain_verifications_total',
      help: 'Audit chain verifications run by this worker (periodic and requested), by result: ok, broken, error',
      labelNames: ['result'],
      registers,
    });
    // Every result exists from the start, so the first broken run is an increase an alert can see.
    for (const result of RESULTS) this.runs.inc({ result }, 0);
    this.lastOk = new Gauge({
      name: 'gantry_audit_chain_last_ok_timestamp_seconds',
      help: 'When this worker last verified the whole audit chain intact (Unix seconds; 0: not since it started)',
      registers,
    });
    const everySeconds = this.everyMs / 1000;
    new Gauge({
      name: 'gantry_audit_chain_verify_interval_seconds',
      help: 'How often the audit chain is verified periodically (GANTRY_AUDIT_VERIFY_MINUTES; 0: off)',
      registers,
      collect() {
        this.set(everySeconds);
      },
    });
  }

  async handle(job: Job<{ requestedBy?: string }>): Promise<ChainCheck> {
    const started = performance.now();
    const line = {
      context: 'audit-verify',
      jobId: job.id ?? null,
      // A requested run names who asked; a periodic one comes from the scheduler.
      trigger: job.data?.requestedBy ? 'request' : 'periodic',
      ...(job.data?.requestedBy ? { requestedBy: job.data.requestedBy } : {}),
    };
    let result: ChainCheck;
    try {
      result = await this.audit.verify(
        systemActor('audit-verifier'),
        (checked, total) => void job.updateProgress({ checked, total }),
      );
    } catch (e) {
      this.runs.inc({ result: 'error' });
      this.logger.error(
        { ...line, result: 'error', error: (e as Error).message, durationMs: ms(started) },
        `audit chain verification failed: ${(e as Error).message}`,
      );
      throw e;
    }
    this.runs.inc({ result: result.ok ? 'ok' : 'broken' });
    if (result.ok) {
      this.lastOk.set(this.clock.now().getTime() / 1000);
      this.logger.info(
        { ...line, result: 'ok', checked: result.checked, durationMs: ms(started) },
        `audit chain intact (${result.checked} entries)`,
      );
    } else {
      this.logger.error(
        {
          ...line,
          result: 'broken',
          checked: result.checked,
          firstBrokenId: result.firstBrokenId,
          reason: result.reason,
          durationMs: ms(started),
        },
        `audit chain broken at entry ${result.firstBrokenId}: ${result.reason}`,
      );
    }
    return result;
  }
}

const ms = (since: number) => Math.round(performance.now() - since);
