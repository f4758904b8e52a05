export * from './approval-settings';
export * from './approval-gate';
export * from './change-request-state';

// Review aids for change requests: config diff, impact preview, conflicts since the base version.
export { diffFlag, diffSegment } from './config-diff';
export type { ConfigChange } from './config-diff';
export { previewImpact } from './impact';
export type { FlagImpact, ImpactInput, ImpactReport, ImpactTransition } from './impact';
export { findFlagConflicts, findSegmentConflicts } from './conflicts';
export type { InstructionConflict } from './conflicts';
export * from './environment-governance';
