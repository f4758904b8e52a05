import { Injectable } from '@nestjs/common';
import type { SegmentConfig } from '../../core/model/flag-config';
import type { Tx } from '../../infra/prisma/tx';
import { SegmentTags } from '../accounts/resource-tags';
import { SegmentsRepository } from './segments.repository';

/**
 * What other modules may read of segments (conventions §16): they come here instead of querying
 * the segment tables. Plain data, no authorization: callers have done their own.
 */
@Injectable()
export class SegmentsReadModel implements SegmentTags {
  constructor(private readonly repo: SegmentsRepository) {}

  async tags(environmentId: string, segmentKey: string): Promise<string[] | null> {
    const row = await this.repo.find(environmentId, segmentKey);
    return row ? row.config.tags : null;
  }

  /** The environment's live (not deleted) segments, read in the caller's transaction. */
  inEnvironment(tx: Tx, environmentId: string): Promise<SegmentConfig[]> {
    return this.repo.liveInEnvironment(tx, environmentId);
  }
}
