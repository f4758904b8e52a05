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
// Release plans: phases with triggers, the worker's decisions, and "would the audience see it".
export {
  MAX_EXPIRE_MS,
  MAX_PLAN_PHASES,
  MAX_SOAK_MS,
  MIN_EXPIRE_MS,
  STRATEGY_KINDS,
  TRIGGER_KINDS,
  validExpireAfterMs,
  validatePlanPhases,
} from './release-plan';
export type { PlanGuard, PlanPhase, PlanPhaseInput, PlanStrategy, PlanTrigger } from './release-plan';
export {
  afterAudience,
  awaitingFirstEvaluation,
  currentPhaseOf,
  deployTriggeredPhases,
  groupOf,
  initialPhaseStates,
  isExpired,
  phasesToStart,
  resumedStates,
  runStatusOf,
  soakOver,
} from './plan-run';
export type { PhaseOrigin, PhaseState, PhaseStatus, RunStatus } from './plan-run';
export { audienceRefusal, clauseMatchesEveryone, ruleMatchesEveryone } from './plan-audience';
export type { AudienceRefusal, AudienceRefusalKind } from './plan-audience';
