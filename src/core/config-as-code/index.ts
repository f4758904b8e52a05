/**
 * core/config-as-code: the `gantry.yaml` file model, its schema and validation, export from live
 * state, and the reconciliation (diff → semantic-patch instructions, gate → direct or change
 * request) behind the CLI's export, plan, apply and promote. Pure: I/O is the caller's (the CLI
 * reads and writes through the public API and hands the state in).
 */
export * from './config-file';
export { CONFIG_SCHEMA, CONFIG_SCHEMA_PATH } from './config-schema';
export { checkAgainstSchema, type ConfigProblem } from './schema-check';
export { validateConfig, type ValidationResult } from './validate-config';
export { exportConfig } from './export-config';
export type { LiveEnvironment, LiveFlag, LiveProject } from './live-model';
export { environmentInstructions, flagLevelInstructions, variationRemovals, type Instruction } from './diff-flag';
export { segmentInstructions } from './diff-segment';
export {
  reconcile,
  ReconcileFailure,
  type OpenChangeRequest,
  type PlanStep,
  type ReconcileInput,
  type ReconcileOptions,
  type ReconcileResult,
  type StepMode,
  type Writer,
} from './reconcile';
export { hasDrift, plan } from './plan';
export { creationInput, segmentCreationInput } from './simulate';
