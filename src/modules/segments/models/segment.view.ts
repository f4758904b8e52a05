import type { SegmentConfig } from '../../../core/model/flag-config';
import type { SegmentRecord } from '../segment-records';

/** A segment as the API returns it: its stored configuration (core/model SegmentConfig). */
export const segmentView = (row: SegmentRecord): SegmentConfig => row.config;
