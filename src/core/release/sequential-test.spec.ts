import { ArmSummary, GuardConfig, GuardVerdict, evaluateGuard } from './sequential-test';
import { mulberry32 } from '../../../test/support/fixtures/release';

/**
 * Expected numbers are worked by hand from the formulas in sequential-test.ts (alpha 0.05, tau
 * 0.01 unless stated): half-width = σ̂·sqrt(2h(h + tau)/tau · (ln 20 + ½ ln((h + tau)/h))),
 * h = 1/n_c + 1/n_t. ln 20 = 2.995732.
 */

/** A count metric: `events` of `n` contexts scored 1, the rest 0. */
const count = (n: number, events: number): ArmSummary => ({ n, sum: events, sumSquares: events });
/** A numeric metric with the given mean and (population) standard deviation. */
const numeric = (n: number, mean: number, sd: number): ArmSummary => ({
  n,
  sum: n * mean,
  sumSquares: n * (sd * sd + mean * mean),
});

const errors = (threshold: number, extra: Partial<GuardConfig> = {}): GuardConfig => ({
  direction: 'lower_is_better',
  threshold,
  alpha: 0.05,
  minSamplePerArm: 100,
  ...extra,
});

function stats(result: GuardVerdict): Exclude<GuardVerdict, { verdict: 'insufficient_data' }> {
  if (result.verdict === 'insufficient_data') throw new Error('expected statistics');
  return result;
}

describe('evaluateGuard: count metric, lower is better', () => {
  it('flags 5% errors against 1% at 5,000 per arm as a regression', () => {
    // p̂ = 300/10000 = 0.03, σ̂² = 0.03·0.97 = 0.0291; h = 0.0004, (h + tau)/h = 26;
    // half-width = sqrt(0.0291 · 2·0.0004·0.0104/0.01 · (2.995732 + 1.629048)) = 0.010582.
    const result = evaluateGuard(count(5000, 50), count(5000, 250), errors(0.1));
    expect(result.verdict).toBe('regression');
    const s = stats(result);
    expect(s.controlMean).toBeCloseTo(0.01, 12);
    expect(s.treatmentMean).toBeCloseTo(0.05, 12);
    expect(s.difference).toBeCloseTo(0.04, 12);
    expect(s.variance).toBeCloseTo(0.0291, 12);
    expect(s.margin).toBeCloseTo(0.001, 12);
    expect(s.ciLower).toBeCloseTo(0.029418, 5);
    expect(s.ciUpper).toBeCloseTo(0.050582, 5);
    expect(s).toMatchObject({ nControl: 5000, nTreatment: 5000, alpha: 0.05, tau: 0.01 });
    // ln Λ(0) = ½ ln(1/26) + 0.01·0.04² / (2·0.0291·0.0004·0.0104) = -1.629048 + 66.085117.
    expect(s.logLikelihoodRatio).toBeCloseTo(64.456069, 4);
    expect(s.pValue).toBeLessThan(1e-20);
  });

  it('calls identical rates safe when a 50% regression can be ruled out', () => {
    // p̂ = 0.02, σ̂² = 0.0196; half-width = sqrt(0.0196 · 0.000832 · 4.624780) = 0.008684 < margin 0.01.
    const result = evaluateGuard(count(5000, 100), count(5000, 100), errors(0.5));
    expect(result.verdict).toBe('safe');
    const s = stats(result);
    expect(s.difference).toBe(0);
    expect(s.margin).toBeCloseTo(0.01, 12);
    expect(s.ciLower).toBeCloseTo(-0.008684, 5);
    expect(s.ciUpper).toBeCloseTo(0.008684, 5);
    // No difference: Λ(0) = sqrt(h/(h + tau)) = 1/sqrt(26) < 1, so p = 1.
    expect(s.logLikelihoodRatio).toBeCloseTo(-1.629048, 5);
    expect(s.pValue).toBe(1);
  });

  it('waits when the interval still straddles the margin', () => {
    // Same data, margin 0.1·0.02 = 0.002 inside ±0.008684.
    expect(evaluateGuard(count(5000, 100), count(5000, 100), errors(0.1)).verdict).toBe('no_regression_yet');
    // 1% vs 1.5% at 1,000 per arm: 0.005 ± 0.015185.
    expect(evaluateGuard(count(1000, 10), count(1000, 15), errors(0.1)).verdict).toBe('no_regression_yet');
  });

  it('tolerates a regression smaller than the threshold, but not at threshold 0', () => {
    // 10% vs 10.5% at 50,000 per arm: σ̂² = 0.1025·0.8975 = 0.09199375, h = 0.00004, (h + tau)/h = 251;
    // half-width = 0.006523, so 0.005 lies in [-0.001523, 0.011523].
    expect(evaluateGuard(count(50000, 5000), count(50000, 5250), errors(0.2)).verdict).toBe('safe'); // margin 0.02
    const strict = stats(evaluateGuard(count(50000, 5000), count(50000, 5250), errors(0)));
    expect(strict.verdict).toBe('no_regression_yet');
    expect(strict.ciLower).toBeCloseTo(-0.001523, 5);
    expect(strict.ciUpper).toBeCloseTo(0.011523, 5);
  });

  it('is wider than the fixed-sample 95% interval, the price of looking at any time', () => {
    // Fixed-sample z interval: 1.96·sqrt(0.0196·0.0004) = 0.005488.
    const s = stats(evaluateGuard(count(5000, 100), count(5000, 100), errors(0.5)));
    expect(s.ciUpper - s.difference).toBeGreaterThan(0.005488);
  });

  it('reports insufficient data below the minimum in either arm, however stark', () => {
    expect(evaluateGuard(count(50, 0), count(50, 50), errors(0))).toEqual({
      verdict: 'insufficient_data',
      nControl: 50,
      nTreatment: 50,
      minSamplePerArm: 100,
    });
    expect(evaluateGuard(count(5000, 100), count(99, 2), errors(0.5)).verdict).toBe('insufficient_data');
    expect(evaluateGuard(count(0, 0), count(0, 0), errors(0.5)).verdict).toBe('insufficient_data');
  });

  it('handles arms with no errors at all (zero variance)', () => {
    const s = stats(evaluateGuard(count(5000, 0), count(5000, 0), errors(0.5)));
    // Margin 0.5·0 = 0 and the interval is [0, 0]: neither side can be shown.
    expect(s).toMatchObject({
      verdict: 'no_regression_yet',
      variance: 0,
      difference: 0,
      ciLower: 0,
      ciUpper: 0,
      pValue: 1,
    });
  });
});

describe('evaluateGuard: direction', () => {
  const conversion = (threshold: number): GuardConfig => ({
    direction: 'higher_is_better',
    threshold,
    minSamplePerArm: 100,
  });

  it('flags a drop in conversion (10% to 5%) as a regression', () => {
    // p̂ = 0.075, σ̂² = 0.069375; half-width = sqrt(0.069375 · 0.000832 · 4.624780) = 0.016338;
    // difference -0.05, upper bound -0.033662 < -margin (-0.01).
    const s = stats(evaluateGuard(count(5000, 500), count(5000, 250), conversion(0.1)));
    expect(s.verdict).toBe('regression');
    expect(s.alpha).toBe(0.05); // the default
    expect(s.ciUpper).toBeCloseTo(-0.033662, 5);
  });

  it('calls equal conversion safe and a rise in errors an improvement when higher is better', () => {
    // 10% both: σ̂² = 0.09, half-width 0.018609 < margin 0.05.
    expect(evaluateGuard(count(5000, 500), count(5000, 500), conversion(0.5)).verdict).toBe('safe');
    expect(evaluateGuard(count(5000, 50), count(5000, 250), conversion(0)).verdict).toBe('safe');
  });

  it('flags slower latency (higher is worse) on a numeric metric', () => {
    // 100 ± 20 ms vs 130 ± 20 ms, 2,000 per arm: σ̂² = 400 + 15² = 625 (within plus between arms);
    // h = 0.001, (h + tau)/h = 11; half-width = 25·sqrt(0.0022·(2.995732 + 1.198948)) = 2.401600.
    const latency: GuardConfig = { direction: 'lower_is_better', threshold: 0.1, minSamplePerArm: 100 };
    const s = stats(evaluateGuard(numeric(2000, 100, 20), numeric(2000, 130, 20), latency));
    expect(s.verdict).toBe('regression');
    expect(s.variance).toBeCloseTo(625, 6);
    expect(s.margin).toBeCloseTo(10, 9);
    expect(s.ciLower).toBeCloseTo(27.5984, 3);
    expect(s.ciUpper).toBeCloseTo(32.4016, 3);
    // Same latency: σ̂² = 400, half-width 20·sqrt(0.0022·4.194680) = 1.921280 < margin 10.
    const same = stats(evaluateGuard(numeric(2000, 100, 20), numeric(2000, 100, 20), latency));
    expect(same.verdict).toBe('safe');
    expect(same.ciUpper).toBeCloseTo(1.92128, 4);
    // Faster is an improvement, never a regression.
    expect(evaluateGuard(numeric(2000, 130, 20), numeric(2000, 100, 20), latency).verdict).toBe('safe');
    // Every observation equal: zero variance, zero difference, inside a positive margin.
    expect(evaluateGuard(numeric(500, 80, 0), numeric(500, 80, 0), latency).verdict).toBe('safe');
  });
});

describe('evaluateGuard: input', () => {
  it.each<[string, Partial<GuardConfig>]>([
    ['threshold', { threshold: -0.1 }],
    ['threshold', { threshold: NaN }],
    ['alpha', { alpha: 0 }],
    ['alpha', { alpha: 1 }],
    ['minSamplePerArm', { minSamplePerArm: 0 }],
    ['minSamplePerArm', { minSamplePerArm: 2.5 }],
    ['tau', { tau: 0 }],
    ['direction', { direction: 'up' as GuardConfig['direction'] }],
  ])('rejects a bad %s', (field, change) => {
    expect(() => evaluateGuard(count(100, 1), count(100, 1), errors(0.1, change))).toThrow(
      expect.objectContaining({
        code: 'release/invalid_guard',
        status: 400,
        errors: [expect.objectContaining({ field })],
      }),
    );
  });

  it('rejects a malformed arm summary', () => {
    expect(() => evaluateGuard({ n: -1, sum: 0, sumSquares: 0 }, count(100, 1), errors(0.1))).toThrow(
      expect.objectContaining({ code: 'release/invalid_metric_summary' }),
    );
    expect(() => evaluateGuard(count(100, 1), { n: 100, sum: Infinity, sumSquares: 0 }, errors(0.1))).toThrow(
      expect.objectContaining({ code: 'release/invalid_metric_summary' }),
    );
  });
});

/**
 * "Valid when looked at repeatedly": under no difference, checking after every batch of 100 per
 * arm up to 5,000, the share of runs that ever declare a regression stays within alpha. The same
 * runs checked with an ordinary one-sided z-test at 5% shows the known inflation from peeking, so
 * the simulation is sharp enough to see a wrong answer.
 */
describe('evaluateGuard: repeated looks under the null', () => {
  const RUNS = 200;
  const BATCH = 100;
  const MAX_PER_ARM = 5000;
  const ALPHA = 0.05;
  const SLACK = 0.03; // about two binomial standard deviations for 200 runs at 0.05

  function simulate(draw: () => number, cfg: GuardConfig): { guard: number; naive: number } {
    let guardHits = 0;
    let naiveHits = 0;
    for (let run = 0; run < RUNS; run++) {
      const control = { n: 0, sum: 0, sumSquares: 0 };
      const treatment = { n: 0, sum: 0, sumSquares: 0 };
      let guard = false;
      let naive = false;
      while (control.n < MAX_PER_ARM) {
        for (let i = 0; i < BATCH; i++) {
          add(control, draw());
          add(treatment, draw());
        }
        const result = evaluateGuard(control, treatment, cfg);
        if (result.verdict === 'regression') guard = true;
        if (result.verdict !== 'insufficient_data') {
          // Fixed-sample one-sided z statistic, worse direction positive, same pooled variance.
          const worse = (cfg.direction === 'lower_is_better' ? 1 : -1) * result.difference;
          if (worse / Math.sqrt(result.variance * (2 / control.n)) > 1.645) naive = true;
        }
      }
      if (guard) guardHits++;
      if (naive) naiveHits++;
    }
    return { guard: guardHits / RUNS, naive: naiveHits / RUNS };
  }

  it('keeps the false regression rate within alpha on a count metric', () => {
    const random = mulberry32(20240501);
    const rates = simulate(() => (random() < 0.05 ? 1 : 0), {
      direction: 'lower_is_better',
      threshold: 0,
      alpha: ALPHA,
      minSamplePerArm: 100,
    });
    expect(rates.guard).toBeLessThanOrEqual(ALPHA + SLACK);
    expect(rates.naive).toBeGreaterThan(ALPHA + SLACK);
  });

  it('keeps the false regression rate within alpha on a numeric metric', () => {
    const random = mulberry32(77);
    // Box-Muller; Math's members are read once because global lookups are slow inside jest's sandbox.
    const { sqrt, log, cos, PI } = Math;
    const normal = () => sqrt(-2 * log(1 - random())) * cos(2 * PI * random());
    const rates = simulate(() => 200 + 50 * normal(), {
      direction: 'higher_is_better',
      threshold: 0,
      alpha: ALPHA,
      minSamplePerArm: 100,
    });
    expect(rates.guard).toBeLessThanOrEqual(ALPHA + SLACK);
    expect(rates.naive).toBeGreaterThan(ALPHA + SLACK);
  });

  it('still catches a real regression (5% to 10% errors) and never calls it safe', () => {
    const random = mulberry32(99);
    for (let run = 0; run < 20; run++) {
      const control = { n: 0, sum: 0, sumSquares: 0 };
      const treatment = { n: 0, sum: 0, sumSquares: 0 };
      const verdicts = new Set<string>();
      while (control.n < MAX_PER_ARM) {
        for (let i = 0; i < BATCH; i++) {
          add(control, random() < 0.05 ? 1 : 0);
          add(treatment, random() < 0.1 ? 1 : 0);
        }
        verdicts.add(evaluateGuard(control, treatment, errors(0.1)).verdict);
      }
      expect(verdicts.has('regression')).toBe(true);
      expect(verdicts.has('safe')).toBe(false);
    }
  });
});

function add(arm: ArmSummary, x: number): void {
  arm.n += 1;
  arm.sum += x;
  arm.sumSquares += x * x;
}
