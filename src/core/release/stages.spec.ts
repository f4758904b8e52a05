import { DomainError, FieldError } from '../errors';
import { VariationOrRollout } from '../model/flag-config';
import { MAX_STAGE_MS, MIN_STAGE_MS, nextStage, stageServing, validateStages } from './stages';
import { mulberry32 } from '../../../test/support/fixtures/release';

const IDS = ['a', 'b', 'c', 'd'];
const HOUR = 3_600_000;

function fieldErrors(input: unknown): FieldError[] {
  try {
    validateStages(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('release/invalid_stages');
    expect((error as DomainError).status).toBe(400);
    return (error as DomainError).errors ?? [];
  }
  throw new Error('expected validateStages to throw');
}

describe('validateStages', () => {
  it('returns clean copies of a valid plan', () => {
    const input = [
      { weight: 1000, durationMs: HOUR, note: 'dropped' },
      { weight: 25000, durationMs: MIN_STAGE_MS },
      { weight: 100000, durationMs: MAX_STAGE_MS },
    ];
    expect(validateStages(input)).toEqual([
      { weight: 1000, durationMs: HOUR },
      { weight: 25000, durationMs: MIN_STAGE_MS },
      { weight: 100000, durationMs: MAX_STAGE_MS },
    ]);
    expect(validateStages([{ weight: 100000, durationMs: HOUR }])).toEqual([{ weight: 100000, durationMs: HOUR }]);
  });

  it.each([
    ['not an array', { weight: 100000, durationMs: HOUR }, 'must be an array'],
    ['empty', [], 'at least one stage'],
    [
      'more than 20 stages',
      Array.from({ length: 21 }, (_, i) => ({ weight: (i + 1) * 4000, durationMs: HOUR })),
      'at most 20',
    ],
  ])('rejects a plan that is %s', (_name, input, reason) => {
    expect(fieldErrors(input)).toEqual([{ field: 'stages', reason: expect.stringContaining(reason) }]);
  });

  it.each([0, 100001, 1.5, '5000', null, -1])('rejects weight %j', (weight) => {
    expect(
      fieldErrors([
        { weight, durationMs: HOUR },
        { weight: 100000, durationMs: HOUR },
      ]),
    ).toEqual([{ index: 0, field: 'weight', reason: 'must be an integer from 1 to 100000' }]);
  });

  it.each([999, MAX_STAGE_MS + 1, 1500.5, undefined, '60000'])('rejects durationMs %j', (durationMs) => {
    expect(fieldErrors([{ weight: 100000, durationMs }])).toEqual([
      { index: 0, field: 'durationMs', reason: `must be an integer from 1000 to ${MAX_STAGE_MS}` },
    ]);
  });

  it('requires strictly increasing weights ending at 100%', () => {
    expect(
      fieldErrors([
        { weight: 20000, durationMs: HOUR },
        { weight: 20000, durationMs: HOUR },
        { weight: 10000, durationMs: HOUR },
      ]),
    ).toEqual([
      { index: 1, field: 'weight', reason: "must be greater than the previous stage's weight (20000)" },
      { index: 2, field: 'weight', reason: "must be greater than the previous stage's weight (20000)" },
      { index: 2, field: 'weight', reason: 'the last stage must have weight 100000 (100%)' },
    ]);
  });

  it('still validates the last stage duration and reports every problem at once', () => {
    expect(fieldErrors([{ weight: 50000, durationMs: HOUR }, 'x', { weight: 100000, durationMs: 0 }])).toEqual([
      { index: 1, field: 'stages', reason: 'must be an object' },
      { index: 2, field: 'durationMs', reason: expect.any(String) },
    ]);
  });
});

describe('nextStage', () => {
  const stages = validateStages([
    { weight: 10000, durationMs: HOUR },
    { weight: 100000, durationMs: HOUR },
  ]);
  it('walks the plan from -1 and ends with null', () => {
    expect(nextStage(stages, -1)).toEqual({ index: 0, stage: { weight: 10000, durationMs: HOUR } });
    expect(nextStage(stages, 0)).toEqual({ index: 1, stage: { weight: 100000, durationMs: HOUR } });
    expect(nextStage(stages, 1)).toBeNull();
    expect(nextStage(stages, 5)).toBeNull();
  });
});

const rollout = (...entries: Array<[number, number]>): VariationOrRollout => ({
  rollout: { variations: entries.map(([variation, weight]) => ({ variation, weight })) },
});

describe('stageServing', () => {
  it('moves the weight off a fixed baseline', () => {
    expect(stageServing({ variation: 0 }, IDS, 'b', 10000)).toEqual(rollout([0, 90000], [1, 10000]));
    expect(stageServing({ variation: 0 }, IDS, 'b', 99999)).toEqual(rollout([0, 1], [1, 99999]));
  });

  it('serves the target as a fixed variation at 100%', () => {
    expect(stageServing({ variation: 0 }, IDS, 'b', 100000)).toEqual({ variation: 1 });
    expect(stageServing(rollout([0, 50000], [2, 50000]), IDS, 'b', 100000)).toEqual({ variation: 1 });
  });

  it('keeps the target entry at weight 0', () => {
    expect(stageServing({ variation: 0 }, IDS, 'b', 0)).toEqual(rollout([0, 100000], [1, 0]));
  });

  it('shrinks a rollout baseline proportionally', () => {
    expect(stageServing(rollout([0, 50000], [1, 50000]), IDS, 'c', 10000)).toEqual(
      rollout([0, 45000], [1, 45000], [2, 10000]),
    );
    expect(stageServing(rollout([0, 60000], [1, 30000], [2, 10000]), IDS, 'd', 50000)).toEqual(
      rollout([0, 30000], [1, 15000], [2, 5000], [3, 50000]),
    );
  });

  it("merges the target's own baseline share into the target, in place", () => {
    // 90% keeps the 50/50 split (45000 each); b also gets the 10000 moved.
    expect(stageServing(rollout([0, 50000], [1, 50000]), IDS, 'b', 10000)).toEqual(rollout([0, 45000], [1, 55000]));
    expect(stageServing(rollout([1, 40000], [0, 60000]), IDS, 'b', 50000)).toEqual(rollout([1, 70000], [0, 30000]));
  });

  it('rounds by largest remainder so the total is exact', () => {
    // 99999 over 33333/33333/33334: quotas .66667, .66667, .66666 above 33332, 33332, 33333.
    expect(stageServing(rollout([0, 33333], [1, 33333], [2, 33334]), IDS, 'd', 1)).toEqual(
      rollout([0, 33333], [1, 33333], [2, 33333], [3, 1]),
    );
  });

  it('drops zero-weight entries and merges a variation listed twice', () => {
    expect(stageServing(rollout([0, 100000], [1, 0]), IDS, 'c', 20000)).toEqual(rollout([0, 80000], [2, 20000]));
    expect(stageServing(rollout([0, 20000], [1, 50000], [0, 30000]), IDS, 'c', 50000)).toEqual(
      rollout([0, 25000], [1, 25000], [2, 50000]),
    );
  });

  it('starts from what the evaluator serves when baseline weights fall short', () => {
    // 30000 + 50000: buckets past 80% go to the last entry, so b serves 70000.
    expect(stageServing(rollout([0, 30000], [1, 50000]), IDS, 'c', 50000)).toEqual(
      rollout([0, 15000], [1, 35000], [2, 50000]),
    );
  });

  it('keeps bucketing (bucketBy, contextKind, seed) but not experiment settings', () => {
    const baseline: VariationOrRollout = {
      rollout: {
        variations: [{ variation: 0, weight: 100000, untracked: true }],
        bucketBy: 'org',
        contextKind: 'device',
        seed: 42,
      },
    };
    expect(stageServing(baseline, IDS, 'b', 30000)).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 70000 },
          { variation: 1, weight: 30000 },
        ],
        bucketBy: 'org',
        contextKind: 'device',
        seed: 42,
      },
    });
    const experiment: VariationOrRollout = {
      rollout: { variations: [{ variation: 0, weight: 100000 }], kind: 'experiment', bucketBy: 'org', seed: 7 },
    };
    expect(stageServing(experiment, IDS, 'b', 30000)).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 70000 },
          { variation: 1, weight: 30000 },
        ],
        seed: 7,
      },
    });
  });

  it('rejects unknown variations, bad weights and malformed baselines', () => {
    expect(() => stageServing({ variation: 0 }, IDS, 'zz', 1000)).toThrow(
      expect.objectContaining({ code: 'release/unknown_variation', status: 400 }),
    );
    expect(() => stageServing({ variation: 9 }, IDS, 'b', 1000)).toThrow(
      expect.objectContaining({ code: 'release/unknown_variation' }),
    );
    expect(() => stageServing(rollout([0, 50000], [9, 50000]), IDS, 'b', 1000)).toThrow(
      expect.objectContaining({ code: 'release/unknown_variation' }),
    );
    for (const weight of [-1, 100001, 0.5, NaN]) {
      expect(() => stageServing({ variation: 0 }, IDS, 'b', weight)).toThrow(
        expect.objectContaining({ code: 'release/invalid_weight' }),
      );
    }
    expect(() => stageServing({}, IDS, 'b', 1000)).toThrow(
      expect.objectContaining({ code: 'release/invalid_serving' }),
    );
  });

  it('always totals 100000, and a context on the target stays on it as the weight grows', () => {
    const random = mulberry32(12345);
    for (let run = 0; run < 300; run++) {
      const count = 1 + Math.floor(random() * 4);
      const cuts = Array.from({ length: count - 1 }, () => Math.floor(random() * 100001)).sort((x, y) => x - y);
      const bounds = [0, ...cuts, 100000];
      const baseline = rollout(...bounds.slice(1).map((end, i): [number, number] => [i, end - bounds[i]]));
      const target = IDS[Math.floor(random() * IDS.length)];
      let previous: [number, number] | undefined;
      for (const weight of [0, 1, 1000, 5000, 25000, 50000, 77777, 99999]) {
        const served = stageServing(baseline, IDS, target, weight);
        const entries = served.rollout!.variations;
        expect(entries.reduce((sum, e) => sum + e.weight, 0)).toBe(100000);
        // The target's bucket range [start, end): it may only grow (a unit of rounding per entry before it).
        const at = entries.findIndex((e) => e.variation === IDS.indexOf(target));
        const start = entries.slice(0, at).reduce((sum, e) => sum + e.weight, 0);
        const range: [number, number] = [start, start + entries[at].weight];
        expect(entries[at].weight).toBeGreaterThanOrEqual(weight);
        if (previous) {
          expect(range[0]).toBeLessThanOrEqual(previous[0] + at);
          expect(range[1]).toBeGreaterThanOrEqual(previous[1] - at);
        }
        previous = range;
      }
    }
  });
});
