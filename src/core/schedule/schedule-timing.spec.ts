import { scheduleTiming } from './schedule-timing';

const now = new Date('2027-03-25T12:00:00Z');

describe('scheduleTiming', () => {
  it('a one-off: the future executionDate, no recurrence', () => {
    expect(scheduleTiming({ executionDate: '2027-03-26T10:00:00Z' }, now)).toEqual({
      executionDate: new Date('2027-03-26T10:00:00Z'),
      cron: null,
      timeZone: null,
    });
  });

  it('a recurring schedule starts at its first occurrence after now', () => {
    expect(scheduleTiming({ cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin' }, now)).toEqual({
      executionDate: new Date('2027-03-26T08:00:00Z'),
      cron: '0 9 * * 1-5',
      timeZone: 'Europe/Berlin',
    });
  });

  it('executionDate on a recurring schedule is when it starts: an occurrence at that instant counts', () => {
    const got = scheduleTiming(
      { cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin', executionDate: '2027-03-29T07:00:00Z' },
      now,
    );
    expect(got.executionDate).toEqual(new Date('2027-03-29T07:00:00Z'));
  });

  it('an edit of the expression moves the next occurrence; an edit of nothing keeps it', () => {
    const current = scheduleTiming({ cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin' }, now);
    expect(scheduleTiming({ cron: '0 18 * * 1-5' }, now, current).executionDate).toEqual(
      new Date('2027-03-25T17:00:00Z'),
    );
    expect(scheduleTiming({ timeZone: 'America/New_York' }, now, current).executionDate).toEqual(
      new Date('2027-03-25T13:00:00Z'),
    );
    expect(scheduleTiming({}, now, current)).toBe(current);
  });

  describe('refused, naming the field', () => {
    const refusal = (field: string, code = 'request/invalid') =>
      expect.objectContaining({ code, errors: [expect.objectContaining({ field })] });

    it.each([
      ['neither a date nor a recurrence', {}, 'executionDate'],
      ['cron without a time zone', { cron: '0 9 * * *' }, 'timeZone'],
      ['a time zone without cron', { timeZone: 'UTC' }, 'cron'],
      ['a bad zone', { cron: '0 9 * * *', timeZone: 'Berlin' }, 'timeZone'],
      ['a bad expression', { cron: '0 25 * * *', timeZone: 'UTC' }, 'cron'],
    ])('%s', (_what, input, field) => {
      expect(() => scheduleTiming(input, now)).toThrow(refusal(field));
    });

    it('a past executionDate, one-off or as a start', () => {
      expect(() => scheduleTiming({ executionDate: '2027-03-25T11:00:00Z' }, now)).toThrow(
        refusal('executionDate', 'scheduled_change/invalid_execution_date'),
      );
      expect(() =>
        scheduleTiming({ cron: '0 9 * * *', timeZone: 'UTC', executionDate: '2027-03-25T11:00:00Z' }, now),
      ).toThrow(refusal('executionDate', 'scheduled_change/invalid_execution_date'));
    });

    it('a one-off does not become recurring on an edit', () => {
      const current = scheduleTiming({ executionDate: '2027-03-26T10:00:00Z' }, now);
      expect(() => scheduleTiming({ cron: '0 9 * * *', timeZone: 'UTC' }, now, current)).toThrow(refusal('cron'));
    });
  });
});
