import type { SegmentConfig } from '../../../core/model/flag-config';
import type { SegmentRow } from '../segments.repository';

/** A segment as the API returns it: its stored configuration (core/model SegmentConfig). */
export const segmentView = (row: SegmentRow) => row.config as unknown as SegmentConfig;
