/**
 * core/patch: validates and applies LaunchDarkly-style semantic-patch instructions to a flag (its
 * project-level part and its environment configs) and to a segment. Pure: ids come from ctx.newId,
 * other flags from ctx.lookupFlag, segments from ctx.segmentExists; no I/O, no clock, no randomness.
 */
export { applyFlagInstructions, flagInstructionActions } from './apply-flag-instructions';
export { applySegmentInstructions, segmentInstructionActions } from './apply-segment-instructions';
export { FLAG_INSTRUCTION_ACTIONS } from './flag-instructions';
export type { EnvironmentInstructionKind, FlagInstructionKind, FlagLevelInstructionKind } from './flag-instructions';
export type {
  FlagPatchContext,
  FlagPatchResult,
  FlagPatchState,
  InstructionScope,
  PrerequisiteFlagView,
} from './flag-patch-types';
export { FlagArchivedError, PatchError } from './patch-error';
export type { PatchErrorCode } from './patch-error';
export { newSegmentReferences, segmentReferences } from './segment-references';
export { SEGMENT_INSTRUCTION_ACTIONS } from './segment-instructions';
export type { SegmentInstructionKind } from './segment-instructions';
export type { SegmentPatchContext, SegmentPatchResult } from './segment-patch-types';
export { restoreInstructions } from './restore-instructions';
export type { RestoreInstruction, RestoreLookups, RestoreState } from './restore-instructions';
export {
  INSTRUCTION_COMPONENTS,
  INSTRUCTION_SCHEMAS,
  INSTRUCTION_UNIONS,
  instructionComponentName,
  instructionJsonSchema,
} from './instruction-schemas';
export type { InstructionResource, InstructionUnion } from './instruction-schemas';
export type { InstructionSchema } from './instruction-schema-parts';
export { JSON_VALUE_SCHEMA } from './instruction-schema-parts';
export { jsonSchemaDialect, refName } from './json-schema';
export type { JsonSchema } from './json-schema';
