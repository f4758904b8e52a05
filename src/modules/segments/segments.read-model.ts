import { Injectable } from '@nestjs/common';
import type { SegmentConfig } from '../../core/model/flag-config';
import type { Tx } from '../../infra/prisma/tx';
import { SegmentTags } from '../accounts/resource-tags';
import { SegmentKeys } from '../flags/segment-keys.port';
import { SegmentsRepository } from './segments.repository';

/**
 * What other modules may read of segments (conventions §16): they come here instead of querying
 * the segment tables. Plain data, no authorization: callers have done their own.
 */
@Injectable()
export class SegmentsReadModel implements SegmentTags, SegmentKeys {
  constructor(private readonly repo: SegmentsRepository) {}

  async tags(environmentId: string, segmentKey: string): Promise<string[] | null> {
    const row = await this.repo.find(environmentId, segmentKey);
    return row ? row.config.tags : null;
  }

  liveKeys(tx: Tx | undefined, environmentIds: string[]): Promise<{ environmentId: string; key: string }[]> {
    return this.repo.liveKeys(tx, environmentIds);
  }

  lockLive(tx: Tx, environmentId: string, keys: string[]): Promise<string[]> {
    return this.repo.lockLive(tx, environmentId, keys);
  }

  /** The environment's live (not deleted) segments, read in the caller's transaction. */
  inEnvironment(tx: Tx, environmentId: string): Promise<SegmentConfig[]> {
    return this.repo.liveInEnvironment(tx, environmentId);
  }
}
