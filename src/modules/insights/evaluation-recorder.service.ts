import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge } from 'prom-client';
import { EvaluationTally, type EvaluationCount } from '../../core/insights/evaluation-tally';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { EvaluationCountSink } from './evaluation-count-sink';

/** A flush writes at most this many rows per statement; the rest wait for the next one. */
const MAX_BATCH = 5_000;

/**
 * Counts evaluations on this API node (LaunchDarkly summary events, OFREP evaluations) and writes
 * them every GANTRY_INSIGHTS_FLUSH_MS as one batch. A failed batch is kept under its id and retried
 * with the same id, so a commit whose answer was lost is not counted twice (InsightsRepository.addBatch).
 * What a crash loses is what was counted since the last flush: at most one interval, never a double count.
 */
@Injectable()
export class EvaluationRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('insights');
  private readonly tally = new EvaluationTally();
  /** A batch that failed to write, retried first under the same id. */
  private pending: { id: string; rows: EvaluationCount[] } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly counted: Counter<'source'>;
  private readonly flushes: Counter<'outcome'>;

  constructor(
    private readonly repo: EvaluationCountSink,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
    metrics: MetricsService,
  ) {
    const registers = [metrics.registry];
    this.counted = new Counter({
      name: 'gantry_insights_evaluations_counted_total',
      help: 'Evaluations counted for insights, by source (summary events, OFREP)',
      labelNames: ['source'],
      registers,
    });
    this.flushes = new Counter({
      name: 'gantry_insights_flushes_total',
      help: 'Batches of evaluation counts written, by outcome (written, duplicate, failed)',
      labelNames: ['outcome'],
      registers,
    });
    const waiting = () => this.tally.size + (this.pending?.rows.length ?? 0);
    new Gauge({
      name: 'gantry_insights_buffered_rows',
      help: 'Evaluation count rows waiting on this node for the next flush',
      registers,
      collect() {
        this.set(waiting());
      },
    });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.insightsFlushMs);
    this.timer.unref();
  }

  /** The last flush, before PrismaService disconnects (it does in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Counts a LaunchDarkly summary event from `sdk`. */
  summary(environmentId: string, event: Record<string, unknown>, sdk: string): void {
    const n = this.tally.addSummary(environmentId, event, sdk, new Date());
    if (n) this.counted.inc({ source: 'summary' }, n);
  }

  /** Counts one evaluation served by this node (OFREP). */
  evaluation(environmentId: string, flagKey: string, variation: number | undefined, sdk: string): void {
    this.tally.add(environmentId, flagKey, variation ?? -1, sdk, new Date());
    this.counted.inc({ source: 'ofrep' });
  }

  /** Counts one OFREP bulk answer: `flagKeys[i]` served `variations[i]`. */
  evaluations(environmentId: string, flagKeys: readonly string[], variations: readonly number[], sdk: string): void {
    this.tally.addAll(environmentId, flagKeys, variations, sdk, new Date());
    this.counted.inc({ source: 'ofrep' }, flagKeys.length);
  }

  /** Writes what was counted; one flush at a time (a caller during a flush waits for it). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    for (;;) {
      if (!this.pending) {
        const rows = this.tally.drain();
        if (!rows.length) return;
        if (rows.length > MAX_BATCH) this.tally.restore(rows.splice(MAX_BATCH));
        this.pending = { id: randomUUID(), rows };
      }
      const batch = this.pending;
      try {
        const written = await this.repo.addBatch(batch.id, batch.rows);
        this.flushes.inc({ outcome: written ? 'written' : 'duplicate' });
        this.pending = undefined;
      } catch (e) {
        this.flushes.inc({ outcome: 'failed' });
        this.logger.warn(
          { rows: batch.rows.length, batchId: batch.id },
          `evaluation counts not written yet, retried at the next flush: ${(e as Error).message}`,
        );
        return;
      }
    }
  }
}
