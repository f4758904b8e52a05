import { readDescription, readName, withTags, withoutTags } from './metadata-fields';
import type { ActionName } from '../policy/actions';
import { SegmentHandler } from './segment-patch-types';
import { SEGMENT_RULE_HANDLERS } from './segment-rule-instructions';
import { SEGMENT_TARGET_HANDLERS } from './segment-target-instructions';

const SEGMENT_METADATA_HANDLERS = {
  updateName: {
    action: 'updateName',
    fields: ['value'],
    apply(f, { segment }) {
      segment.name = readName(f);
    },
  },
  updateDescription: {
    action: 'updateDescription',
    fields: ['value'],
    apply(f, { segment }) {
      segment.description = readDescription(f);
    },
  },
  addTags: {
    action: 'updateTags',
    fields: ['values'],
    apply(f, { segment }) {
      segment.tags = withTags(f, segment.tags);
    },
  },
  removeTags: {
    action: 'updateTags',
    fields: ['values'],
    apply(f, { segment }) {
      segment.tags = withoutTags(f, segment.tags);
    },
  },
} satisfies Record<string, SegmentHandler>;

export const SEGMENT_HANDLERS = {
  ...SEGMENT_TARGET_HANDLERS,
  ...SEGMENT_RULE_HANDLERS,
  ...SEGMENT_METADATA_HANDLERS,
} satisfies Record<string, SegmentHandler>;

export type SegmentInstructionKind = keyof typeof SEGMENT_HANDLERS;

/** The authorization action (LaunchDarkly's name) of every segment instruction kind. */
export const SEGMENT_INSTRUCTION_ACTIONS = Object.fromEntries(
  Object.entries(SEGMENT_HANDLERS).map(([kind, handler]) => [kind, handler.action]),
) as Record<SegmentInstructionKind, ActionName>;
