import { SegmentConfig } from '../model/flag-config';
import type { ActionName } from '../policy/actions';
import { Fields } from './instruction-fields';

export interface SegmentPatchContext {
  newId(): string;
  /** Whether the segment's environment has another live (not deleted) segment with this key. */
  segmentExists(key: string): boolean;
}

export interface SegmentPatchResult {
  segment: SegmentConfig;
  changed: boolean;
}

/** The working copy one applySegmentInstructions call edits in place. */
export interface SegmentWorkspace {
  segment: SegmentConfig;
  ctx: SegmentPatchContext;
}

export interface SegmentHandler {
  action: ActionName;
  fields: readonly string[];
  apply(f: Fields, ws: SegmentWorkspace): void;
}
