import { MAX_POINTS, fillSeries, insightRange } from './insight-series';

const at = (iso: string) => new Date(iso);

describe('insightRange', () => {
  it('defaults to the 24 periods up to now, aligned in UTC', () => {
    expect(insightRange('hour', at('2027-01-02T10:20:00Z'))).toEqual({
      from: at('2027-01-01T11:00:00Z'),
      to: at('2027-01-02T11:00:00Z'),
    });
  });

  it('rounds a given range outwards to whole periods', () => {
    expect(
      insightRange('day', at('2027-01-09T00:00:00Z'), at('2027-01-02T10:00:00Z'), at('2027-01-04T01:00:00Z')),
    ).toEqual({
      from: at('2027-01-02T00:00:00Z'),
      to: at('2027-01-05T00:00:00Z'),
    });
  });

  it('refuses an empty or reversed range and one of too many points', () => {
    expect(
      insightRange('hour', at('2027-01-09T00:00:00Z'), at('2027-01-03T00:00:00Z'), at('2027-01-02T00:00:00Z')),
    ).toEqual({
      field: 'from',
      reason: 'must be before to',
    });
    const tooLong = insightRange('minute', at('2027-01-09T00:00:00Z'), at('2027-01-01T00:00:00Z'));
    expect(tooLong).toEqual({ field: 'from', reason: expect.stringContaining(String(MAX_POINTS)) });
  });
});

describe('fillSeries', () => {
  it('has every period, zeros included, with counts per variation in order', () => {
    const points = fillSeries(
      [
        { at: at('2027-01-01T10:00:00Z'), variation: 1, count: 3 },
        { at: at('2027-01-01T10:00:00Z'), variation: 0, count: 2 },
        { at: at('2027-01-01T12:00:00Z'), variation: -1, count: 1 },
        { at: at('2027-01-01T15:00:00Z'), variation: 0, count: 9 }, // outside: dropped
      ],
      'hour',
      at('2027-01-01T10:00:00Z'),
      at('2027-01-01T13:00:00Z'),
    );
    expect(points).toEqual([
      {
        at: at('2027-01-01T10:00:00Z'),
        total: 5,
        counts: [
          { variation: 0, count: 2 },
          { variation: 1, count: 3 },
        ],
      },
      { at: at('2027-01-01T11:00:00Z'), total: 0, counts: [] },
      { at: at('2027-01-01T12:00:00Z'), total: 1, counts: [{ variation: -1, count: 1 }] },
    ]);
  });
});
