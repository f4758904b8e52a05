import { sameSweepStatus, sweepStep, type SweepStatus } from './sweep-status';

const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const automatic = { mode: 'automatic' as const, graceDays: 7 };

describe('sweepStep', () => {
  it('a flag that becomes stale starts its stale period now and is notified; the grace period has not passed', () => {
    expect(sweepStep(undefined, 'stale', automatic, NOW)).toEqual({
      next: { state: 'stale', staleSince: NOW, notifiedAt: null, archivalChangeRequestId: null },
      notify: true,
      archive: false,
    });
  });

  it('is notified once: a later sweep keeps the period and does not notify again', () => {
    const before: SweepStatus = {
      state: 'stale',
      staleSince: daysAgo(3),
      notifiedAt: daysAgo(3),
      archivalChangeRequestId: null,
    };
    const step = sweepStep(before, 'stale', automatic, NOW);
    expect(step).toEqual({ next: before, notify: false, archive: false });
    expect(sameSweepStatus(before, step.next)).toBe(true);
  });

  it('acts after the grace period, once: not again when a change request was opened', () => {
    const stale: SweepStatus = {
      state: 'stale',
      staleSince: daysAgo(7),
      notifiedAt: daysAgo(7),
      archivalChangeRequestId: null,
    };
    expect(sweepStep(stale, 'stale', automatic, NOW).archive).toBe(true);
    expect(sweepStep({ ...stale, archivalChangeRequestId: 'cr-1' }, 'stale', automatic, NOW).archive).toBe(false);
    expect(sweepStep(stale, 'stale', { mode: 'off', graceDays: 0 }, NOW).archive).toBe(false);
    expect(sweepStep({ ...stale, staleSince: daysAgo(6) }, 'stale', automatic, NOW).archive).toBe(false);
  });

  it('leaving stale ends the period: a later return notifies and counts the grace period again', () => {
    const stale: SweepStatus = {
      state: 'stale',
      staleSince: daysAgo(30),
      notifiedAt: daysAgo(30),
      archivalChangeRequestId: 'cr-1',
    };
    const active = sweepStep(stale, 'active', automatic, NOW);
    expect(active).toEqual({
      next: { state: 'active', staleSince: null, notifiedAt: null, archivalChangeRequestId: null },
      notify: false,
      archive: false,
    });
    expect(sameSweepStatus(stale, active.next)).toBe(false);
    const back = sweepStep(active.next, 'stale', automatic, NOW);
    expect([back.next.staleSince, back.notify, back.archive]).toEqual([NOW, true, false]);
  });

  it('zero grace days act in the sweep that first sees the flag stale', () => {
    expect(sweepStep(undefined, 'stale', { mode: 'change_request', graceDays: 0 }, NOW)).toMatchObject({
      notify: true,
      archive: true,
    });
  });
});
