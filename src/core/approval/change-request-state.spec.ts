import {
  changeRequestContentHash,
  isAwaitingAcknowledgement,
  isOpen,
  openStatus,
  retroactiveStatus,
  tallyReviews,
  type ReviewRecord,
} from './change-request-state';

const content = {
  resourceKind: 'flag',
  resourceKey: 'checkout',
  environmentKey: 'production',
  baseVersion: 3,
  instructions: [{ kind: 'turnFlagOn' }],
  executionDate: null,
};

describe('changeRequestContentHash', () => {
  it('is stable across key order and changes with the instructions, the base version or the execution date', () => {
    const h = changeRequestContentHash(content);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(
      changeRequestContentHash({
        executionDate: null,
        instructions: [{ kind: 'turnFlagOn' }],
        baseVersion: 3,
        environmentKey: 'production',
        resourceKey: 'checkout',
        resourceKind: 'flag',
      }),
    ).toBe(h);
    expect(changeRequestContentHash({ ...content, instructions: [{ kind: 'turnFlagOff' }] })).not.toBe(h);
    expect(changeRequestContentHash({ ...content, baseVersion: 4 })).not.toBe(h);
    expect(changeRequestContentHash({ ...content, executionDate: '2030-01-01T00:00:00.000Z' })).not.toBe(h);
  });
});

describe('tallyReviews and openStatus', () => {
  const r = (reviewerId: string, decision: ReviewRecord['decision'], contentHash = 'h1'): ReviewRecord => ({
    reviewerId,
    decision,
    contentHash,
  });

  it('counts each reviewer once, by their latest decision on the current content; comments change nothing', () => {
    const reviews = [
      r('ann', 'approve'),
      r('ann', 'approve'),
      r('bob', 'decline'),
      r('bob', 'approve'),
      r('cy', 'approve', 'h0'),
      r('dee', 'comment'),
    ];
    expect(tallyReviews(reviews, 'h1')).toEqual({ approvers: ['ann', 'bob'], decliners: [] });
    expect(tallyReviews([r('ann', 'approve'), r('ann', 'decline')], 'h1')).toEqual({
      approvers: [],
      decliners: ['ann'],
    });
  });

  it('leaves out reviewers the filter does not count', () => {
    expect(tallyReviews([r('ann', 'approve'), r('bob', 'approve')], 'h1', (id) => id !== 'ann')).toEqual({
      approvers: ['bob'],
      decliners: [],
    });
  });

  it('declined wins; enough approvals make approved, or scheduled with an execution date', () => {
    expect(openStatus({ approvers: ['a', 'b'], decliners: ['c'] }, 1, null)).toBe('declined');
    expect(openStatus({ approvers: ['a'], decliners: [] }, 2, null)).toBe('pending');
    expect(openStatus({ approvers: ['a', 'b'], decliners: [] }, 2, null)).toBe('approved');
    expect(openStatus({ approvers: ['a'], decliners: [] }, 1, new Date('2030-01-01T00:00:00Z'))).toBe('scheduled');
    expect(openStatus({ approvers: [], decliners: [] }, 0, null)).toBe('approved');
  });

  it('open and final statuses', () => {
    expect(['pending', 'approved', 'declined', 'scheduled'].every(isOpen)).toBe(true);
    expect(['applied', 'failed', 'cancelled'].some(isOpen)).toBe(false);
  });

  it('a retroactive review is not open (nothing left to apply) but awaits acknowledgement', () => {
    expect(['bypassed', 'acknowledged', 'incident'].some(isOpen)).toBe(false);
    expect(isAwaitingAcknowledgement('bypassed')).toBe(true);
    expect(['acknowledged', 'incident', 'pending'].some(isAwaitingAcknowledgement)).toBe(false);
  });

  it('retroactive review: acknowledged at the required approvals (at least one), an incident on any decline', () => {
    expect(retroactiveStatus({ approvers: [], decliners: [] }, 2)).toBe('bypassed');
    expect(retroactiveStatus({ approvers: ['a'], decliners: [] }, 2)).toBe('bypassed');
    expect(retroactiveStatus({ approvers: ['a', 'b'], decliners: [] }, 2)).toBe('acknowledged');
    expect(retroactiveStatus({ approvers: [], decliners: [] }, 0)).toBe('bypassed');
    expect(retroactiveStatus({ approvers: ['a'], decliners: [] }, 0)).toBe('acknowledged');
    expect(retroactiveStatus({ approvers: ['a', 'b'], decliners: ['c'] }, 2)).toBe('incident');
  });
});
