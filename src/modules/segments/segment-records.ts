import type { SegmentConfig } from '../../core/model/flag-config';

/** A segment as SegmentsRepository returns it: its row's bookkeeping and its configuration. */
export interface SegmentRecord {
  id: string;
  environmentId: string;
  key: string;
  version: number;
  deleted: boolean;
  config: SegmentConfig;
  createdAt: Date;
  updatedAt: Date;
}
