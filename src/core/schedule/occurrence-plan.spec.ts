import { MISSED_RECORD_LIMIT, planOccurrences, upcomingOccurrences } from './occurrence-plan';

const at = (iso: string) => new Date(iso);
const weekdays9Berlin = { cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin' };

describe('planOccurrences', () => {
  it('on time: applies the due occurrence, misses nothing, moves to the next one', () => {
    const plan = planOccurrences(weekdays9Berlin, at('2027-03-26T08:00:00Z'), at('2027-03-26T08:00:00.200Z'));
    expect(plan.apply.toISOString()).toBe('2027-03-26T08:00:00.000Z');
    expect(plan.missed).toEqual([]);
    // Friday 09:00 CET → Monday 09:00 CEST, across the spring change.
    expect(plan.next?.toISOString()).toBe('2027-03-29T07:00:00.000Z');
  });

  it('after an outage: applies only the latest passed occurrence and records the earlier ones as missed', () => {
    const plan = planOccurrences(weekdays9Berlin, at('2027-03-26T08:00:00Z'), at('2027-03-30T12:00:00Z'));
    expect(plan.missed.map((d) => d.toISOString())).toEqual(['2027-03-26T08:00:00.000Z', '2027-03-29T07:00:00.000Z']);
    expect(plan.apply.toISOString()).toBe('2027-03-30T07:00:00.000Z');
    expect(plan.next?.toISOString()).toBe('2027-03-31T07:00:00.000Z');
  });

  it('bounds what it writes down after a long outage of a minutely schedule', () => {
    const plan = planOccurrences(
      { cron: '* * * * *', timeZone: 'UTC' },
      at('2027-01-01T00:00:00Z'),
      at('2027-01-08T00:00:00Z'),
    );
    expect(plan.missed).toHaveLength(MISSED_RECORD_LIMIT);
    expect(plan.missed[0].toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(plan.apply.toISOString()).toBe('2027-01-08T00:00:00.000Z');
    expect(plan.next?.toISOString()).toBe('2027-01-08T00:01:00.000Z');
  });
});

describe('upcomingOccurrences', () => {
  it('lists the next ones in order, each in its own offset', () => {
    const got = upcomingOccurrences(
      { cron: '0 18 * * 1-5', timeZone: 'America/New_York' },
      at('2027-11-05T12:00:00Z'),
      3,
    );
    expect(got.map((d) => d.toISOString())).toEqual([
      '2027-11-05T22:00:00.000Z',
      '2027-11-08T23:00:00.000Z',
      '2027-11-09T23:00:00.000Z',
    ]);
  });
});
