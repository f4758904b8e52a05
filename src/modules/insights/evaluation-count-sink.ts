import type { EvaluationCount } from '../../core/insights/evaluation-tally';

/**
 * Where EvaluationRecorder writes its batches: PostgreSQL on API nodes (InsightsRepository), the
 * upstream on edge nodes. `addBatch` is idempotent by batch id (false: already written), so a batch
 * retried after a lost answer is counted once, however many nodes it passes through.
 */
export abstract class EvaluationCountSink {
  abstract addBatch(batchId: string, rows: EvaluationCount[]): Promise<boolean>;
}
