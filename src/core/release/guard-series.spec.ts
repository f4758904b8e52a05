import { guardDecision, guardSeries, worthRecording, type RecordedGuardCheck } from './guard-series';
import { evaluateGuard } from './sequential-test';

const cfg = { direction: 'lower_is_better' as const, threshold: 0.1, minSamplePerArm: 100 };
const arm = (n: number, ones: number) => ({ n, sum: ones, sumSquares: ones });

const waiting = (at: string, n: number): RecordedGuardCheck => ({
  at: new Date(at),
  stage: 0,
  outcome: 'insufficient_data',
  decision: 'continue',
  metrics: [{ metric: 'errors', result: evaluateGuard(arm(n, 0), arm(n, 0), cfg) }],
});

describe('guardDecision', () => {
  it('promotes on ok, holds on too little data, acts as configured on a regression', () => {
    expect(guardDecision('ok', 'rollback')).toBe('promote');
    expect(guardDecision('insufficient_data', 'rollback')).toBe('continue');
    expect(guardDecision('regression', 'rollback')).toBe('rollback');
    expect(guardDecision('regression', 'pause')).toBe('pause');
  });
});

describe('guardSeries', () => {
  const regression: RecordedGuardCheck = {
    at: new Date('2026-12-05T10:00:10Z'),
    stage: 0,
    outcome: 'regression',
    decision: 'rollback',
    metrics: [{ metric: 'errors', result: evaluateGuard(arm(400, 4), arm(400, 120), cfg) }],
  };

  it('orders checks oldest first and gives each arm its value and sample size', () => {
    const series = guardSeries([regression, waiting('2026-12-05T10:00:00Z', 20)]);
    expect(series.map((p) => p.at)).toEqual(['2026-12-05T10:00:00.000Z', '2026-12-05T10:00:10.000Z']);
    expect(series[0].metrics[0]).toMatchObject({
      verdict: 'insufficient_data',
      control: { value: null, sampleSize: 20 },
      treatment: { value: null, sampleSize: 20 },
      ciLower: null,
      treatmentUpper: null,
    });
    const m = series[1].metrics[0];
    expect(m).toMatchObject({
      metric: 'errors',
      verdict: 'regression',
      control: { value: 0.01, sampleSize: 400 },
      treatment: { value: 0.3, sampleSize: 400 },
    });
    expect(series[1].decision).toBe('rollback');
  });

  it('places the confidence bounds of the difference around the control value', () => {
    const m = guardSeries([regression])[0].metrics[0];
    expect(m.difference).toBeCloseTo(0.29, 10);
    expect(m.ciLower!).toBeLessThan(m.difference!);
    expect(m.ciUpper!).toBeGreaterThan(m.difference!);
    expect(m.treatmentLower).toBeCloseTo(0.01 + m.ciLower!, 12);
    expect(m.treatmentUpper).toBeCloseTo(0.01 + m.ciUpper!, 12);
    // A regression: the whole band lies above the control's value plus the margin.
    expect(m.treatmentLower!).toBeGreaterThan(0.01 + m.margin!);
  });
});

describe('worthRecording', () => {
  it('skips a repeated wait with the same sample sizes, keeps everything else', () => {
    const first = waiting('2026-12-05T10:00:00Z', 20);
    expect(worthRecording(null, first)).toBe(true);
    expect(worthRecording(first, waiting('2026-12-05T10:00:05Z', 20))).toBe(false);
    expect(worthRecording(first, waiting('2026-12-05T10:00:05Z', 30))).toBe(true);
    const ok = { ...first, outcome: 'ok' as const };
    expect(worthRecording(first, ok)).toBe(true);
    expect(worthRecording(ok, first)).toBe(true);
  });
});
