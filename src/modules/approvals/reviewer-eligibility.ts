import type { ApprovalSettings } from '../../core/approval';
import type { ActorRef } from '../accounts/models/actor';

/**
 * Whether a reviewer's decision counts under the settings in force, apart from their policy (which
 * is checked when they review). Team membership comes from the caller, looked up when it matters.
 */
export function reviewerCounts(
  settings: ApprovalSettings,
  requesterId: string,
  reviewerId: string,
  reviewer: ActorRef,
  teamsOfReviewer: readonly string[],
): string | null {
  if (reviewerId === requesterId && !settings.canReviewOwnRequest)
    return 'requesters may not review their own change requests here';
  if (reviewer.kind === 'token' && !settings.serviceTokensCanReview)
    return 'service tokens may not review change requests here';
  if (
    settings.reviewerTeams.length &&
    reviewer.kind !== 'token' &&
    !teamsOfReviewer.some((t) => settings.reviewerTeams.includes(t))
  ) {
    return `only members of ${settings.reviewerTeams.join(', ')} may review here`;
  }
  return null;
}
