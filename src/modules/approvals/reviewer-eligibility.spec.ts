import { defaultApprovalSettings } from '../../core/approval';
import { reviewerCounts } from './reviewer-eligibility';

const settings = { ...defaultApprovalSettings(true) };
const member = (id: string) => ({ kind: 'member' as const, id, name: id, memberId: id });
const serviceToken = { kind: 'token' as const, id: 'tok1', name: 'ci', tokenId: 'tok1' };

describe('reviewerCounts', () => {
  it('refuses the requester unless canReviewOwnRequest', () => {
    expect(reviewerCounts(settings, 'ann', 'ann', member('ann'), [])).toMatch(/own change requests/);
    expect(reviewerCounts({ ...settings, canReviewOwnRequest: true }, 'ann', 'ann', member('ann'), [])).toBeNull();
    expect(reviewerCounts(settings, 'ann', 'bob', member('bob'), [])).toBeNull();
  });

  it('refuses service tokens unless serviceTokensCanReview', () => {
    expect(reviewerCounts(settings, 'ann', 'tok1', serviceToken, [])).toMatch(/service tokens/);
    expect(reviewerCounts({ ...settings, serviceTokensCanReview: true }, 'ann', 'tok1', serviceToken, [])).toBeNull();
  });

  it('with reviewerTeams, only members of one of them count', () => {
    const s = { ...settings, reviewerTeams: ['release-managers', 'sre'] };
    expect(reviewerCounts(s, 'ann', 'bob', member('bob'), ['frontend'])).toMatch(/release-managers, sre/);
    expect(reviewerCounts(s, 'ann', 'bob', member('bob'), ['frontend', 'sre'])).toBeNull();
  });
});
