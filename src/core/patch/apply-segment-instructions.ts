import { SegmentConfig } from '../model/flag-config';
import type { ActionName } from '../policy/actions';
import { Fields } from './instruction-fields';
import { readInstructionList } from './instruction-list';
import { deepEqual } from './json-value';
import { SEGMENT_HANDLERS, SEGMENT_INSTRUCTION_ACTIONS } from './segment-instructions';
import { SegmentPatchContext, SegmentPatchResult, SegmentWorkspace } from './segment-patch-types';

/**
 * The segment twin of applyFlagInstructions: all or nothing, the input is never mutated, and
 * `version`, `salt` and `deleted` are left to the service.
 */
export function applySegmentInstructions(
  segment: SegmentConfig,
  instructions: unknown,
  ctx: SegmentPatchContext,
): SegmentPatchResult {
  const list = readInstructionList(instructions, SEGMENT_HANDLERS);
  const ws: SegmentWorkspace = { segment: structuredClone(segment), ctx };
  for (const { index, kind, raw } of list) {
    const handler = SEGMENT_HANDLERS[kind];
    handler.apply(new Fields(index, raw, ['kind', ...handler.fields]), ws);
  }
  return { segment: ws.segment, changed: !deepEqual(segment, ws.segment) };
}

/** Kind and authorization action of each instruction; checks the list and the kinds only. */
export function segmentInstructionActions(instructions: unknown): { kind: string; action: ActionName }[] {
  return readInstructionList(instructions, SEGMENT_HANDLERS).map(({ kind }) => ({
    kind,
    action: SEGMENT_INSTRUCTION_ACTIONS[kind],
  }));
}
