import { EvaluationTally, NO_VARIATION, sdkLabel, type EvaluationCount } from './evaluation-tally';

const ENV = 'env-1';
const received = new Date('2027-01-01T10:05:30Z');

describe('EvaluationTally', () => {
  it('counts a summary event per flag and variation, at the minute of its end', () => {
    const tally = new EvaluationTally();
    const counted = tally.addSummary(
      ENV,
      {
        kind: 'summary',
        startDate: Date.parse('2027-01-01T10:03:00Z'),
        endDate: Date.parse('2027-01-01T10:04:59Z'),
        features: {
          checkout: {
            default: false,
            counters: [
              { variation: 1, version: 3, value: true, count: 7 },
              { variation: 0, version: 3, value: false, count: 2 },
              { value: false, count: 1 }, // the SDK's default: no variation
            ],
          },
          gone: { default: false, counters: [{ value: false, count: 4, unknown: true }] },
        },
      },
      'NodeJSClient/9.13.7',
      received,
    );
    expect(counted).toBe(10);
    const rows = tally.drain().map((r) => [r.flagKey, r.variation, r.count, r.bucket.toISOString()]);
    expect(rows).toEqual([
      ['checkout', 1, 7, '2027-01-01T10:04:00.000Z'],
      ['checkout', 0, 2, '2027-01-01T10:04:00.000Z'],
      ['checkout', NO_VARIATION, 1, '2027-01-01T10:04:00.000Z'],
    ]);
    expect(tally.size).toBe(0);
  });

  it('counts an OFREP bulk answer once per flag, into the same rows as single evaluations', () => {
    const tally = new EvaluationTally();
    tally.add(ENV, 'a', 0, 'ofrep:curl/8', received);
    tally.addAll(ENV, ['a', 'b', 'c', ''], [0, 1, -5, 0], 'ofrep:curl/8', received);
    tally.addAll(ENV, ['a', 'b'], [0, 2], 'ofrep:curl/8', new Date('2027-01-01T10:05:50Z'));
    const rows = tally.drain().map((r) => [r.flagKey, r.variation, r.count, r.lastAt.toISOString()]);
    expect(rows).toEqual([
      ['a', 0, 3, '2027-01-01T10:05:50.000Z'],
      ['b', 1, 1, '2027-01-01T10:05:30.000Z'],
      ['c', NO_VARIATION, 1, '2027-01-01T10:05:30.000Z'],
      ['b', 2, 1, '2027-01-01T10:05:50.000Z'],
    ]);
  });

  it('counts the same list of keys of a revision into the same rows, before and after a drain', () => {
    const tally = new EvaluationTally();
    const keys = ['a', 'b'];
    const at = (s: number) => new Date(`2027-01-01T10:05:${String(s).padStart(2, '0')}Z`);
    tally.addAll(ENV, keys, [0, 1], 'ofrep:x', at(10));
    tally.add(ENV, 'a', 0, 'ofrep:x', at(20));
    tally.addAll(ENV, keys, [0, 0], 'ofrep:x', at(15));
    tally.addAll(ENV, keys, [1, 1], 'ofrep:y', at(15));
    const row = (r: EvaluationCount) => [r.flagKey, r.variation, r.sdk, r.count, r.lastAt.toISOString().slice(17, 19)];
    const first = tally.drain();
    expect(first.map(row)).toEqual([
      ['a', 0, 'ofrep:x', 3, '20'],
      ['b', 1, 'ofrep:x', 1, '10'],
      ['b', 0, 'ofrep:x', 1, '15'],
      ['a', 1, 'ofrep:y', 1, '15'],
      ['b', 1, 'ofrep:y', 1, '15'],
    ]);
    tally.addAll(ENV, keys, [0, 1], 'ofrep:x', at(30));
    expect(tally.size).toBe(2);
    tally.restore(first.slice(0, 1));
    expect(tally.drain().map(row)).toEqual([
      ['a', 0, 'ofrep:x', 4, '30'],
      ['b', 1, 'ofrep:x', 1, '30'],
    ]);
  });

  it('counts answers of another minute or environment apart', () => {
    const tally = new EvaluationTally();
    const keys = ['a'];
    tally.addAll(ENV, keys, [0], 'ofrep:x', new Date('2027-01-01T10:05:59.999Z'));
    tally.addAll(ENV, keys, [0], 'ofrep:x', new Date('2027-01-01T10:06:00.000Z'));
    tally.addAll('env-2', keys, [0], 'ofrep:x', new Date('2027-01-01T10:06:00.000Z'));
    tally.addAll(ENV, keys, [0], 'ofrep:x', new Date('2027-01-01T10:06:30.000Z'));
    expect(tally.drain().map((r) => [r.environmentId, r.bucket.toISOString(), r.count])).toEqual([
      [ENV, '2027-01-01T10:05:00.000Z', 1],
      [ENV, '2027-01-01T10:06:00.000Z', 2],
      ['env-2', '2027-01-01T10:06:00.000Z', 1],
    ]);
  });

  it('adds up the same flag, variation, SDK and minute; keeps the latest time', () => {
    const tally = new EvaluationTally();
    tally.add(ENV, 'f', 0, 'ofrep', new Date('2027-01-01T10:05:01Z'));
    tally.add(ENV, 'f', 0, 'ofrep', new Date('2027-01-01T10:05:40Z'), 2);
    tally.add(ENV, 'f', 0, 'other', new Date('2027-01-01T10:05:40Z'));
    tally.add(ENV, 'f', 0, 'ofrep', new Date('2027-01-01T10:06:00Z'));
    const rows = tally.drain();
    expect(rows.map((r) => [r.sdk, r.count, r.bucket.toISOString(), r.lastAt.toISOString()])).toEqual([
      ['ofrep', 3, '2027-01-01T10:05:00.000Z', '2027-01-01T10:05:40.000Z'],
      ['other', 1, '2027-01-01T10:05:00.000Z', '2027-01-01T10:05:40.000Z'],
      ['ofrep', 1, '2027-01-01T10:06:00.000Z', '2027-01-01T10:06:00.000Z'],
    ]);
  });

  it('ignores what it cannot count, and counts an SDK clock far off at receipt', () => {
    const tally = new EvaluationTally();
    expect(tally.addSummary(ENV, { kind: 'summary', features: 'nope' }, 'x', received)).toBe(0);
    expect(
      tally.addSummary(
        ENV,
        {
          endDate: Date.parse('2001-01-01T00:00:00Z'),
          features: {
            f: {
              counters: [{ variation: 0, count: -3 }, { variation: 0, count: 1.5 }, null, { variation: 1, count: 2 }],
            },
            g: { counters: 'x' },
          },
        },
        'x',
        received,
      ),
    ).toBe(2);
    expect(tally.drain().map((r) => [r.flagKey, r.variation, r.count, r.bucket.toISOString()])).toEqual([
      ['f', 1, 2, '2027-01-01T10:05:00.000Z'],
    ]);
  });

  it('restores rows a flush could not write, added to what came since', () => {
    const tally = new EvaluationTally();
    tally.add(ENV, 'f', 0, 'x', received, 5);
    const failed = tally.drain();
    tally.add(ENV, 'f', 0, 'x', received, 1);
    tally.restore(failed);
    expect(tally.drain().map((r) => r.count)).toEqual([6]);
  });
});

describe('sdkLabel', () => {
  it.each([
    ['NodeJSClient/9.13.7', '', 'NodeJSClient/9.13.7'],
    ['OpenFeature-JS/0.1.3 (Node)', 'ofrep:', 'ofrep:OpenFeature-JS/0.1.3'],
    [undefined, '', 'unknown'],
    ['  ', 'ofrep:', 'ofrep:unknown'],
    ['x'.repeat(200), '', 'x'.repeat(64)],
  ])('%p', (ua, prefix, label) => {
    expect(sdkLabel(ua, prefix)).toBe(label);
  });
});
