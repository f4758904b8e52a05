import { guardWindowStart } from './stage-start';

const started = new Date('2027-03-01T10:00:00.000Z');
const stages = [{ weight: 5_000 }, { weight: 50_000 }, { weight: 100_000 }];
const history = [
  { at: '2027-03-01T10:00:00.000Z', stage: -1, status: 'running' },
  { at: '2027-03-01T10:00:01.000Z', stage: 0, status: 'running' },
  { at: '2027-03-01T10:05:00.000Z', stage: 1, status: 'running' },
  { at: '2027-03-01T10:06:00.000Z', stage: 1, status: 'running' }, // holding: not enough data
  { at: '2027-03-01T10:07:00.000Z', stage: 1, status: 'paused' },
  { at: '2027-03-01T11:00:00.000Z', stage: 1, status: 'running' }, // resumed
  { at: '2027-03-01T12:00:00.000Z', stage: 2, status: 'running' },
];

describe('guardWindowStart', () => {
  it('is the step into a partial stage, not a later hold, pause or resume of it', () => {
    expect(guardWindowStart(history, stages, 1, started).toISOString()).toBe('2027-03-01T10:05:00.000Z');
    expect(guardWindowStart(history, stages, 0, started).toISOString()).toBe('2027-03-01T10:00:01.000Z');
  });

  it('is the release start for the stage serving everyone (no old arm of its own)', () => {
    expect(guardWindowStart(history, stages, 2, started)).toBe(started);
  });

  it('is the release start before the first step, or without a record of the step', () => {
    expect(guardWindowStart(history, stages, -1, started)).toBe(started);
    expect(guardWindowStart(history.slice(0, 2), stages, 1, started)).toBe(started);
    expect(guardWindowStart([{ at: 'garbage', stage: 0 }], stages, 0, started)).toBe(started);
  });
});
