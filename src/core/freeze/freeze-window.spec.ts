import {
  activeFreezes,
  activeInterval,
  covers,
  addUnfrozen,
  frozenIntervalsWithin,
  frozenMillisWithin,
  frozenUntil,
  isActiveAt,
  scheduleErrors,
  type FreezeSchedule,
  type FreezeWindow,
} from './freeze-window';

const at = (iso: string) => new Date(iso);
const win = (schedule: FreezeSchedule, environmentKeys: string[] | null = null, id = 'w1'): FreezeWindow => ({
  id,
  name: id,
  environmentKeys,
  schedule,
});
const fridays = (tz: string, durationMinutes = 120) =>
  win({ kind: 'recurring', cron: '0 18 * * 5', durationMinutes, timeZone: tz });
const MIN = 60_000;

describe('one-off windows', () => {
  const w = win({ kind: 'once', from: at('2026-12-24T00:00:00Z'), to: at('2026-12-27T00:00:00Z') });

  it('are active from `from` (inclusive) to `to` (exclusive)', () => {
    expect(isActiveAt(w, at('2026-12-23T23:59:59Z'))).toBe(false);
    expect(isActiveAt(w, at('2026-12-24T00:00:00Z'))).toBe(true);
    expect(activeInterval(w, at('2026-12-25T12:00:00Z'))).toEqual({
      start: at('2026-12-24T00:00:00Z'),
      end: at('2026-12-27T00:00:00Z'),
    });
    expect(isActiveAt(w, at('2026-12-27T00:00:00Z'))).toBe(false);
  });
});

describe('recurring windows', () => {
  it('start at the cron time in their time zone and last durationMinutes', () => {
    const w = fridays('Europe/Berlin');
    // Friday 2026-12-04 18:00 in Berlin (CET, UTC+1) = 17:00Z.
    expect(isActiveAt(w, at('2026-12-04T16:59:59Z'))).toBe(false);
    expect(activeInterval(w, at('2026-12-04T17:00:00Z'))).toEqual({
      start: at('2026-12-04T17:00:00Z'),
      end: at('2026-12-04T19:00:00Z'),
    });
    expect(isActiveAt(w, at('2026-12-04T18:59:59Z'))).toBe(true);
    expect(isActiveAt(w, at('2026-12-04T19:00:00Z'))).toBe(false);
    // Not on Thursday, and the same wall-clock hour in UTC is not the window.
    expect(isActiveAt(w, at('2026-12-03T17:30:00Z'))).toBe(false);
    expect(isActiveAt(fridays('UTC'), at('2026-12-04T17:30:00Z'))).toBe(false);
    expect(isActiveAt(fridays('UTC'), at('2026-12-04T18:30:00Z'))).toBe(true);
  });

  it('follow the local clock across DST: Friday 18:00 in Berlin is 16:00Z in summer, 17:00Z in winter', () => {
    const w = fridays('Europe/Berlin', 60);
    expect(activeInterval(w, at('2026-07-03T16:30:00Z'))?.start).toEqual(at('2026-07-03T16:00:00Z'));
    expect(isActiveAt(w, at('2026-07-03T17:30:00Z'))).toBe(false);
    expect(activeInterval(w, at('2026-10-30T17:30:00Z'))?.start).toEqual(at('2026-10-30T17:00:00Z'));
  });

  it('count the duration in elapsed time over a clock change (New York, 2026-03-08 02:00 -> 03:00)', () => {
    // Saturday 23:00 EST (04:00Z) for 4 hours ends at 08:00Z, which reads 04:00 EDT on the wall clock.
    const w = win({ kind: 'recurring', cron: '0 23 * * 6', durationMinutes: 240, timeZone: 'America/New_York' });
    expect(activeInterval(w, at('2026-03-08T07:30:00Z'))).toEqual({
      start: at('2026-03-08T04:00:00Z'),
      end: at('2026-03-08T08:00:00Z'),
    });
    expect(isActiveAt(w, at('2026-03-08T08:00:00Z'))).toBe(false);
  });

  it('start a skipped local time right after the gap (Berlin, 02:30 on 2026-03-29 does not exist)', () => {
    const w = win({ kind: 'recurring', cron: '30 2 * * *', durationMinutes: 30, timeZone: 'Europe/Berlin' });
    expect(activeInterval(w, at('2026-03-28T01:45:00Z'))?.start).toEqual(at('2026-03-28T01:30:00Z')); // 02:30 CET
    const springForward = activeInterval(w, at('2026-03-29T01:40:00Z')); // 03:40 CEST
    expect(springForward?.start).toEqual(at('2026-03-29T01:30:00Z'));
    expect(activeInterval(w, at('2026-03-30T00:45:00Z'))?.start).toEqual(at('2026-03-30T00:30:00Z')); // 02:30 CEST
  });

  it('merge overlapping occurrences into one freeze and report its end', () => {
    // Every 10 minutes for 15 minutes: never open again once started.
    const w = win({ kind: 'recurring', cron: '*/10 9-10 * * *', durationMinutes: 15, timeZone: 'UTC' });
    expect(activeInterval(w, at('2026-12-04T09:05:00Z'))).toEqual({
      start: at('2026-12-04T09:00:00Z'),
      end: at('2026-12-04T11:05:00Z'),
    });
    expect(isActiveAt(w, at('2026-12-04T11:05:00Z'))).toBe(false);
  });

  it('treat back-to-back occurrences as one freeze', () => {
    const w = win({ kind: 'recurring', cron: '0 9-11 * * *', durationMinutes: 60, timeZone: 'UTC' });
    expect(activeInterval(w, at('2026-12-04T09:30:00Z'))?.end).toEqual(at('2026-12-04T12:00:00Z'));
  });
});

describe('coverage and the windows in force', () => {
  const all = win({ kind: 'once', from: at('2026-12-01T00:00:00Z'), to: at('2026-12-10T00:00:00Z') }, null, 'all');
  const prod = win(
    { kind: 'once', from: at('2026-12-01T00:00:00Z'), to: at('2026-12-20T00:00:00Z') },
    ['production'],
    'prod',
  );
  const later = win(
    { kind: 'once', from: at('2027-01-01T00:00:00Z'), to: at('2027-01-02T00:00:00Z') },
    ['production'],
    'later',
  );

  it('a window without environment keys covers every environment, even one created later', () => {
    expect(covers(all, 'brand-new')).toBe(true);
    expect(covers(prod, 'staging')).toBe(false);
  });

  it('names the active windows covering the environments, the one ending last first', () => {
    const t = at('2026-12-05T00:00:00Z');
    expect(activeFreezes([all, prod, later], ['production'], t).map((f) => f.window.id)).toEqual(['prod', 'all']);
    expect(activeFreezes([all, prod, later], ['staging'], t).map((f) => f.window.id)).toEqual(['all']);
    expect(activeFreezes([prod, later], ['staging'], t)).toEqual([]);
    expect(activeFreezes([all, prod], ['production'], at('2026-12-25T00:00:00Z'))).toEqual([]);
  });

  it('frozenUntil follows chained windows to when all have ended', () => {
    const chained = win({ kind: 'once', from: at('2026-12-19T00:00:00Z'), to: at('2026-12-22T00:00:00Z') });
    expect(frozenUntil([all, prod, chained], at('2026-12-05T00:00:00Z'))).toEqual(at('2026-12-22T00:00:00Z'));
    expect(frozenUntil([later], at('2026-12-05T00:00:00Z'))).toEqual(at('2026-12-05T00:00:00Z'));
  });
});

describe('overlap of an interval with windows', () => {
  it('clips one-off windows to the interval', () => {
    const w = win({ kind: 'once', from: at('2026-12-04T10:00:00Z'), to: at('2026-12-04T12:00:00Z') });
    expect(frozenIntervalsWithin(w, at('2026-12-04T11:00:00Z'), at('2026-12-04T13:00:00Z'))).toEqual([
      { start: at('2026-12-04T11:00:00Z'), end: at('2026-12-04T12:00:00Z') },
    ]);
    expect(frozenIntervalsWithin(w, at('2026-12-04T12:00:00Z'), at('2026-12-04T13:00:00Z'))).toEqual([]);
  });

  it('lists every recurring occurrence in the interval, including one already running at its start', () => {
    const w = win({ kind: 'recurring', cron: '0 */6 * * *', durationMinutes: 60, timeZone: 'Asia/Kolkata' });
    // Kolkata is UTC+5:30: occurrences at 00:30Z, 06:30Z, 12:30Z, 18:30Z.
    const got = frozenIntervalsWithin(w, at('2026-12-04T01:00:00Z'), at('2026-12-04T13:00:00Z'));
    expect(got).toEqual([
      { start: at('2026-12-04T01:00:00Z'), end: at('2026-12-04T01:30:00Z') },
      { start: at('2026-12-04T06:30:00Z'), end: at('2026-12-04T07:30:00Z') },
      { start: at('2026-12-04T12:30:00Z'), end: at('2026-12-04T13:00:00Z') },
    ]);
    expect(frozenMillisWithin([w], at('2026-12-04T01:00:00Z'), at('2026-12-04T13:00:00Z'))).toBe(120 * MIN);
  });

  it('counts overlapping windows once', () => {
    const a = win({ kind: 'once', from: at('2026-12-04T10:00:00Z'), to: at('2026-12-04T11:00:00Z') });
    const b = win({ kind: 'once', from: at('2026-12-04T10:30:00Z'), to: at('2026-12-04T11:30:00Z') });
    expect(frozenMillisWithin([a, b], at('2026-12-04T00:00:00Z'), at('2026-12-05T00:00:00Z'))).toBe(90 * MIN);
    expect(frozenMillisWithin([a, b], at('2026-12-05T00:00:00Z'), at('2026-12-04T00:00:00Z'))).toBe(0);
  });
});

describe('schedule validation', () => {
  const good = { cron: '0 18 * * 5', durationMinutes: 60, timeZone: 'Europe/Berlin' };
  const fields = (input: Parameters<typeof scheduleErrors>[0]) => scheduleErrors(input).map((e) => e.field);

  it('accepts a one-off window with to after from, and a valid recurring window', () => {
    expect(scheduleErrors({ from: at('2026-12-01T00:00:00Z'), to: at('2026-12-02T00:00:00Z') })).toEqual([]);
    expect(scheduleErrors(good)).toEqual([]);
  });

  it('refuses to <= from, a missing bound, both kinds at once, or neither', () => {
    expect(fields({ from: at('2026-12-02T00:00:00Z'), to: at('2026-12-02T00:00:00Z') })).toEqual(['to']);
    expect(fields({ from: at('2026-12-02T00:00:00Z') })).toEqual(['to']);
    expect(fields({ from: at('2026-12-02T00:00:00Z'), to: at('2026-12-03T00:00:00Z'), ...good })).toEqual(['from']);
    expect(fields({})).toEqual(['from']);
  });

  it('refuses bad cron expressions, including ones with a wrong number of fields', () => {
    expect(fields({ ...good, cron: '0 18 * *' })).toEqual(['cron']);
    expect(fields({ ...good, cron: '0 0 18 * * 5' })).toEqual(['cron']);
    expect(fields({ ...good, cron: '61 18 * * 5' })).toEqual(['cron']);
    expect(fields({ ...good, cron: 'every friday' })).toEqual(['cron']);
  });

  it('refuses durations outside 1..10080 minutes and unknown time zones', () => {
    expect(fields({ ...good, durationMinutes: 0 })).toEqual(['durationMinutes']);
    expect(fields({ ...good, durationMinutes: 10081 })).toEqual(['durationMinutes']);
    expect(fields({ ...good, durationMinutes: 1.5 })).toEqual(['durationMinutes']);
    expect(fields({ ...good, durationMinutes: 10080 })).toEqual([]);
    expect(fields({ ...good, timeZone: 'Mars/Olympus_Mons' })).toEqual(['timeZone']);
    expect(fields({ ...good, timeZone: '' })).toEqual(['timeZone']);
  });
});

describe('unfrozen time', () => {
  it('pushes a due time past the freezes on the way, chained ones included', () => {
    const a = win({ kind: 'once', from: at('2026-12-04T10:20:00Z'), to: at('2026-12-04T10:40:00Z') });
    // 60 minutes of unfrozen time from 10:00, with 10:20-10:40 frozen: due at 11:20.
    expect(addUnfrozen([a], at('2026-12-04T10:00:00Z'), 60 * MIN)).toEqual(at('2026-12-04T11:20:00Z'));
    // A second freeze 11:10-11:30 is met on the way: due at 11:40.
    const b = win({ kind: 'once', from: at('2026-12-04T11:10:00Z'), to: at('2026-12-04T11:30:00Z') });
    expect(addUnfrozen([a, b], at('2026-12-04T10:00:00Z'), 60 * MIN)).toEqual(at('2026-12-04T11:40:00Z'));
    expect(addUnfrozen([], at('2026-12-04T10:00:00Z'), 60 * MIN)).toEqual(at('2026-12-04T11:00:00Z'));
  });

  it('skips every occurrence of a recurring window inside the stage', () => {
    // 10 minutes frozen at the top of each hour (UTC): 3 hours of unfrozen time from 09:30 passes
    // three freezes (10:00, 11:00, 12:00) and lands at 13:00, where the next begins.
    const hourly = win({ kind: 'recurring', cron: '0 * * * *', durationMinutes: 10, timeZone: 'UTC' });
    expect(addUnfrozen([hourly], at('2026-12-04T09:30:00Z'), 180 * MIN)).toEqual(at('2026-12-04T13:00:00Z'));
  });
});
