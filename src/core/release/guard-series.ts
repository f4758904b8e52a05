import type { GuardVerdict } from './sequential-test';

/**
 * The guard of a guarded release over time: each check the stepper made, shaped for a chart and a
 * table (per metric, each variation's value and sample size, the sequential test's confidence bounds
 * and what the step decided). The stored checks keep the raw verdicts; this is only their shape.
 */

/** What a step did with a guard check: hold the stage, go on, or act on a regression. */
export type GuardDecision = 'continue' | 'promote' | 'pause' | 'rollback';

export type GuardOutcome = 'regression' | 'insufficient_data' | 'ok';

/** One stored check (a ReleaseGuardCheck row). */
export interface RecordedGuardCheck {
  at: Date;
  stage: number;
  outcome: GuardOutcome;
  decision: GuardDecision;
  metrics: readonly { metric: string; result: GuardVerdict }[];
}

export interface ArmPoint {
  /** The metric's mean in this arm; null until each arm has enough contexts for the test. */
  value: number | null;
  sampleSize: number;
}

export interface GuardMetricPoint {
  metric: string;
  verdict: GuardVerdict['verdict'];
  control: ArmPoint;
  treatment: ArmPoint;
  /** treatment − control, and its always-valid confidence sequence; null with insufficient data. */
  difference: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  /** The same bounds around the control's value: where the treatment's true mean plausibly lies. */
  treatmentLower: number | null;
  treatmentUpper: number | null;
  /** The regression tolerated, in metric units. */
  margin: number | null;
}

export interface GuardSeriesPoint {
  at: string;
  stage: number;
  outcome: GuardOutcome;
  decision: GuardDecision;
  metrics: GuardMetricPoint[];
}

/** The decision a check leads to (see ReleaseStepper.guardGate). */
export function guardDecision(outcome: GuardOutcome, onRegression: 'pause' | 'rollback'): GuardDecision {
  if (outcome === 'ok') return 'promote';
  if (outcome === 'insufficient_data') return 'continue';
  return onRegression;
}

/**
 * Whether a check adds a point to the series: a stage waiting for data is looked at every few
 * seconds, and a repeat of the previous wait with the same sample sizes says nothing new.
 */
export function worthRecording(
  previous: Pick<RecordedGuardCheck, 'outcome' | 'metrics'> | null,
  next: Pick<RecordedGuardCheck, 'outcome' | 'metrics'>,
): boolean {
  if (!previous || previous.outcome !== 'insufficient_data' || next.outcome !== 'insufficient_data') return true;
  const sizes = (c: Pick<RecordedGuardCheck, 'metrics'>) =>
    c.metrics.map((m) => `${m.metric}:${m.result.nControl}:${m.result.nTreatment}`).join('|');
  return sizes(previous) !== sizes(next);
}

function metricPoint(metric: string, r: GuardVerdict): GuardMetricPoint {
  if (r.verdict === 'insufficient_data') {
    return {
      metric,
      verdict: r.verdict,
      control: { value: null, sampleSize: r.nControl },
      treatment: { value: null, sampleSize: r.nTreatment },
      difference: null,
      ciLower: null,
      ciUpper: null,
      treatmentLower: null,
      treatmentUpper: null,
      margin: null,
    };
  }
  return {
    metric,
    verdict: r.verdict,
    control: { value: r.controlMean, sampleSize: r.nControl },
    treatment: { value: r.treatmentMean, sampleSize: r.nTreatment },
    difference: r.difference,
    ciLower: r.ciLower,
    ciUpper: r.ciUpper,
    treatmentLower: r.controlMean + r.ciLower,
    treatmentUpper: r.controlMean + r.ciUpper,
    margin: r.margin,
  };
}

/** The checks oldest first, each metric's numbers flattened for plotting. */
export function guardSeries(checks: readonly RecordedGuardCheck[]): GuardSeriesPoint[] {
  return [...checks]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((c) => ({
      at: c.at.toISOString(),
      stage: c.stage,
      outcome: c.outcome,
      decision: c.decision,
      metrics: c.metrics.map((m) => metricPoint(m.metric, m.result)),
    }));
}
