import { nextOccurrence, occurrencesBetween, parseRecurrence } from './recurrence';

const at = (iso: string) => new Date(iso);
const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('recurrence', () => {
  describe('occurrences in a time zone, across its daylight-saving changes', () => {
    it('weekdays 09:00 Europe/Berlin: 08:00Z before the spring change (28 March 2027), 07:00Z after', () => {
      const r = parseRecurrence('0 9 * * 1-5', 'Europe/Berlin', at('2027-03-25T12:00:00Z'));
      expect(iso(occurrencesBetween(r, at('2027-03-25T12:00:00Z'), at('2027-03-31T00:00:00Z'), 10))).toEqual([
        '2027-03-26T08:00:00.000Z', // Friday, CET (UTC+1)
        '2027-03-29T07:00:00.000Z', // Monday, CEST (UTC+2); the weekend skipped
        '2027-03-30T07:00:00.000Z',
      ]);
    });

    it('weekdays 18:00 America/New_York: 22:00Z before the autumn change (7 November 2027), 23:00Z after', () => {
      const r = parseRecurrence('0 18 * * 1-5', 'America/New_York', at('2027-11-05T00:00:00Z'));
      expect(iso(occurrencesBetween(r, at('2027-11-05T00:00:00Z'), at('2027-11-09T00:00:00Z'), 10))).toEqual([
        '2027-11-05T22:00:00.000Z', // Friday, EDT (UTC-4)
        '2027-11-08T23:00:00.000Z', // Monday, EST (UTC-5)
      ]);
    });

    it('a wall-clock time skipped by the spring change runs an hour later that day, once', () => {
      const r = parseRecurrence('30 2 * * *', 'Europe/Berlin', at('2027-03-26T12:00:00Z'));
      expect(iso(occurrencesBetween(r, at('2027-03-26T12:00:00Z'), at('2027-03-29T12:00:00Z'), 10))).toEqual([
        '2027-03-27T01:30:00.000Z', // 02:30 CET
        '2027-03-28T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
        '2027-03-29T00:30:00.000Z', // 02:30 CEST
      ]);
    });

    it('a wall-clock time that happens twice in the autumn change runs once, at the first', () => {
      const r = parseRecurrence('30 2 * * *', 'Europe/Berlin', at('2027-10-29T12:00:00Z'));
      expect(iso(occurrencesBetween(r, at('2027-10-30T12:00:00Z'), at('2027-11-01T12:00:00Z'), 10))).toEqual([
        '2027-10-31T00:30:00.000Z', // 02:30 CEST; 02:30 CET (01:30Z) is not a second occurrence
        '2027-11-01T01:30:00.000Z', // 02:30 CET
      ]);
    });

    it('the next occurrence is strictly after the given instant', () => {
      const r = parseRecurrence('0 * * * *', 'UTC', at('2027-01-01T00:00:00Z'));
      expect(nextOccurrence(r, at('2027-01-01T10:00:00Z'))?.toISOString()).toBe('2027-01-01T11:00:00.000Z');
      expect(nextOccurrence(r, at('2027-01-01T10:59:59Z'))?.toISOString()).toBe('2027-01-01T11:00:00.000Z');
    });

    it('stops at the limit', () => {
      const r = parseRecurrence('* * * * *', 'UTC', at('2027-01-01T00:00:00Z'));
      expect(occurrencesBetween(r, at('2027-01-01T00:00:00Z'), at('2027-01-02T00:00:00Z'), 3)).toHaveLength(3);
    });
  });

  describe('bad input is refused naming the field', () => {
    const now = at('2027-01-01T00:00:00Z');
    it.each([
      ['a seconds field', '0 0 9 * * 1-5', 'cron'],
      ['too few fields', '0 9 * *', 'cron'],
      ['a minute out of range', '61 9 * * *', 'cron'],
      ['a macro', '@daily', 'cron'],
      ['not a string', 42, 'cron'],
      ['a date that never comes', '0 0 30 2 *', 'cron'],
    ])('%s', (_what, cron, field) => {
      expect(() => parseRecurrence(cron, 'UTC', now)).toThrow(
        expect.objectContaining({ code: 'request/invalid', errors: [expect.objectContaining({ field })] }),
      );
    });

    it.each([['Mars/Olympus'], [''], [undefined]])('time zone %p', (zone) => {
      expect(() => parseRecurrence('0 9 * * *', zone, now)).toThrow(
        expect.objectContaining({ code: 'request/invalid', errors: [expect.objectContaining({ field: 'timeZone' })] }),
      );
    });

    it('keeps the expression with single spaces', () => {
      expect(parseRecurrence(' 0  9 * * 1-5 ', 'Europe/Berlin', now)).toEqual({
        cron: '0 9 * * 1-5',
        timeZone: 'Europe/Berlin',
      });
    });
  });
});
