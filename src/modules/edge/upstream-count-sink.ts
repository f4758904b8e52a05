import { Injectable } from '@nestjs/common';
import type { EvaluationCount } from '../../core/insights/evaluation-tally';
import { EvaluationCountSink } from '../insights/evaluation-count-sink';
import { Upstream } from './upstream';

/**
 * An edge's evaluation counts (OFREP) go upstream in the batches its EvaluationRecorder makes, with
 * the batch id, so a retry after a lost answer is counted once at the end of the chain.
 */
@Injectable()
export class UpstreamCountSink extends EvaluationCountSink {
  constructor(private readonly upstream: Upstream) {
    super();
  }

  async addBatch(batchId: string, rows: EvaluationCount[]): Promise<boolean> {
    const { written } = await this.upstream.call<{ written: boolean }>('POST', '/relay/v1/evaluation-counts', {
      batchId,
      rows,
    });
    return written;
  }
}
