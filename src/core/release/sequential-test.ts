import { DomainError, FieldError } from '../errors';

/**
 * Guard statistics for guarded releases. The guard monitor looks at the metric after every batch
 * of events, so an ordinary fixed-sample test would fire on noise far more often than alpha (each
 * look is another chance). This uses the mixture sequential probability ratio test (mSPRT) with a
 * normal mixture, whose confidence sequence covers the true difference at every sample size at
 * once with probability ≥ 1 − alpha, however often it is looked at:
 *
 *   Johari, Koomen, Pekelis, Walsh, "Peeking at A/B Tests: Why it matters, and what to do about
 *   it", KDD 2017; Johari, Pekelis, Walsh, "Always Valid Inference: Continuous Monitoring of A/B
 *   Tests", Operations Research 70(3), 2022 (arXiv:1512.04922).
 *
 * Formulas (d̂ = treatment mean − control mean, n_c and n_t per arm):
 *   σ̂²  = pooled variance of all N = n_c + n_t observations about their common mean,
 *         (Σx²_c + Σx²_t)/N − ((Σx_c + Σx_t)/N)²; for 0/1 (count) metrics exactly p̂(1 − p̂).
 *   h   = 1/n_c + 1/n_t, so v = σ̂²·h is the variance of d̂.
 *   τ²  = tau·σ̂², the variance of the N(θ₀, τ²) mixing distribution (tau is on the standardized
 *         scale, so one default fits rates and latencies alike).
 *   Λ(θ₀) = sqrt(v/(v + τ²)) · exp( τ²(d̂ − θ₀)² / (2v(v + τ²)) )
 *         (with equal arms, v = 2σ²/n, this is the paper's
 *          sqrt(2σ²/(2σ² + nτ²)) · exp( n²τ²(d̂ − θ₀)² / (4σ²(2σ² + nτ²)) )).
 *   Confidence sequence: { θ₀ : Λ(θ₀) < 1/alpha } = d̂ ± σ̂·sqrt( 2h(h + tau)/tau · (ln(1/alpha) + ½·ln((h + tau)/h)) ).
 *   Always-valid p-value for θ₀ = 0: min(1, 1/Λ(0)).
 * Unequal arms are fine as long as the allocation ratio is steady: d̂ is then a Gaussian random
 * walk in the information 1/v, which is all the mixture martingale argument needs. Plugging in σ̂
 * and the normal approximation are asymptotic, which is what minSamplePerArm is for.
 */
export interface ArmSummary {
  n: number;
  sum: number;
  sumSquares: number;
}

export type GuardDirection = 'higher_is_better' | 'lower_is_better';

export interface GuardConfig {
  direction: GuardDirection;
  /**
   * The relative regression tolerated, as a fraction of the control mean (≥ 0): margin =
   * threshold × |observed control mean|, in metric units. With lower_is_better, treatment − control ≤ margin is tolerated
   * (0.1: up to 10% higher than control); with higher_is_better, treatment − control ≥ −margin.
   * `regression`: the whole confidence sequence is beyond the margin (the regression is larger than
   * tolerated). `safe`: the whole sequence is within it (a regression that large is ruled out).
   * 0 means any worsening at all is a regression, and `safe` needs the treatment to be better.
   */
  threshold: number;
  /** Probability of ever declaring a false regression (or a false `safe`). Default 0.05. */
  alpha?: number;
  /** Below this many observations in either arm the verdict is insufficient_data. */
  minSamplePerArm: number;
  /** Mixture variance on the standardized scale (τ² = tau·σ̂²). Default 0.01; near-optimal around 2,000 per arm. */
  tau?: number;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_TAU = 0.01;

/** Everything the verdict was based on, for the audit entry. */
export interface GuardStats {
  nControl: number;
  nTreatment: number;
  controlMean: number;
  treatmentMean: number;
  /** treatment mean − control mean, in metric units. */
  difference: number;
  /** threshold × |control mean|. */
  margin: number;
  /** Pooled per-observation variance σ̂². */
  variance: number;
  /** Always-valid (1 − alpha) confidence sequence for `difference` at this sample size. */
  ciLower: number;
  ciUpper: number;
  /** ln Λ(0); logged rather than Λ because Λ overflows to Infinity (which JSON cannot carry) on clear effects. */
  logLikelihoodRatio: number;
  /** Always-valid p-value for "no difference", min(1, 1/Λ(0)); callers may keep its running minimum. */
  pValue: number;
  alpha: number;
  tau: number;
}

export type GuardVerdict =
  | { verdict: 'insufficient_data'; nControl: number; nTreatment: number; minSamplePerArm: number }
  | ({ verdict: 'regression' } & GuardStats)
  | ({ verdict: 'no_regression_yet' } & GuardStats)
  | ({ verdict: 'safe' } & GuardStats);

export function evaluateGuard(control: ArmSummary, treatment: ArmSummary, cfg: GuardConfig): GuardVerdict {
  const { alpha, tau } = checkConfig(cfg);
  checkArm(control, 'control');
  checkArm(treatment, 'treatment');
  const { minSamplePerArm } = cfg;
  if (control.n < minSamplePerArm || treatment.n < minSamplePerArm) {
    return { verdict: 'insufficient_data', nControl: control.n, nTreatment: treatment.n, minSamplePerArm };
  }

  const controlMean = control.sum / control.n;
  const treatmentMean = treatment.sum / treatment.n;
  const difference = treatmentMean - controlMean;
  const total = control.n + treatment.n;
  const grandMean = (control.sum + treatment.sum) / total;
  // Rounding can take a zero variance slightly negative.
  const variance = Math.max(0, (control.sumSquares + treatment.sumSquares) / total - grandMean * grandMean);
  const h = 1 / control.n + 1 / treatment.n;
  const halfWidth = Math.sqrt(
    variance * ((2 * h * (h + tau)) / tau) * (Math.log(1 / alpha) + 0.5 * Math.log((h + tau) / h)),
  );
  // A zero variance means every observation is equal, so the difference is 0 and carries no evidence.
  const exponent = variance > 0 ? (tau * difference * difference) / (2 * variance * h * (h + tau)) : 0;
  const logLikelihoodRatio = 0.5 * Math.log(h / (h + tau)) + exponent;

  const margin = cfg.threshold * Math.abs(controlMean);
  const stats: GuardStats = {
    nControl: control.n,
    nTreatment: treatment.n,
    controlMean,
    treatmentMean,
    difference,
    margin,
    variance,
    ciLower: difference - halfWidth,
    ciUpper: difference + halfWidth,
    logLikelihoodRatio,
    pValue: Math.min(1, Math.exp(-logLikelihoodRatio)),
    alpha,
    tau,
  };
  // Orient so that positive = worse: then both verdicts compare against +margin.
  const worse =
    cfg.direction === 'lower_is_better'
      ? { lo: stats.ciLower, hi: stats.ciUpper }
      : { lo: -stats.ciUpper, hi: -stats.ciLower };
  if (worse.lo > margin) return { verdict: 'regression', ...stats };
  if (worse.hi < margin) return { verdict: 'safe', ...stats };
  return { verdict: 'no_regression_yet', ...stats };
}

function checkConfig(cfg: GuardConfig): { alpha: number; tau: number } {
  const alpha = cfg.alpha ?? DEFAULT_ALPHA;
  const tau = cfg.tau ?? DEFAULT_TAU;
  const errors: FieldError[] = [];
  if (cfg.direction !== 'higher_is_better' && cfg.direction !== 'lower_is_better') {
    errors.push({ field: 'direction', reason: "must be 'higher_is_better' or 'lower_is_better'" });
  }
  if (!Number.isFinite(cfg.threshold) || cfg.threshold < 0)
    errors.push({ field: 'threshold', reason: 'must be a number ≥ 0' });
  if (!Number.isFinite(alpha) || alpha <= 0 || alpha >= 1)
    errors.push({ field: 'alpha', reason: 'must be between 0 and 1 (exclusive)' });
  if (!Number.isInteger(cfg.minSamplePerArm) || cfg.minSamplePerArm < 1)
    errors.push({ field: 'minSamplePerArm', reason: 'must be an integer ≥ 1' });
  if (!Number.isFinite(tau) || tau <= 0) errors.push({ field: 'tau', reason: 'must be a number > 0' });
  if (errors.length > 0)
    throw new DomainError('release/invalid_guard', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
  return { alpha, tau };
}

function checkArm(arm: ArmSummary, field: string): void {
  const ok =
    Number.isInteger(arm.n) &&
    arm.n >= 0 &&
    Number.isFinite(arm.sum) &&
    Number.isFinite(arm.sumSquares) &&
    arm.sumSquares >= 0;
  if (!ok) {
    const reason = 'must have an integer n ≥ 0 and finite sum and sumSquares ≥ 0';
    throw new DomainError('release/invalid_metric_summary', `${field} ${reason}`, [{ field, reason }]);
  }
}
