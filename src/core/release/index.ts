// Release math: staged-rollout plans and servings, guard statistics (DESIGN §1 core/release).
export { MAX_STAGES, MAX_STAGE_MS, MIN_STAGE_MS, nextStage, stageServing, validateStages } from './stages';
export type { ReleaseTarget, Stage } from './stages';
export { DEFAULT_ALPHA, DEFAULT_TAU, evaluateGuard } from './sequential-test';
export type { ArmSummary, GuardConfig, GuardDirection, GuardStats, GuardVerdict } from './sequential-test';
export { WEIGHT_TOTAL, rolloutShareOf } from './release-math';
export { guardDecision, guardSeries, worthRecording } from './guard-series';
export { guardWindowStart } from './stage-start';
export type {
  GuardDecision,
  GuardMetricPoint,
  GuardOutcome,
  GuardSeriesPoint,
  RecordedGuardCheck,
} from './guard-series';
