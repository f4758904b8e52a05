import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json';

/**
 * The change-request state machine (pure). Open requests move between pending, approved, declined
 * and scheduled as reviews arrive or the content changes; applied, failed and cancelled are final.
 *
 *   pending ──approvals ≥ min──> approved ──apply──> applied
 *      │  └──(with executionDate)─> scheduled ──due──> applied | failed
 *      └──decline──> declined ──apply (canApplyDeclinedChanges)──> applied
 *   any open state ──cancel──> cancelled;  apply that cannot commit (scheduled/auto) ──> failed
 *   editing instructions or rebasing ──> pending (the content hash changes; earlier reviews no longer count)
 *
 * A retroactive review (break-glass) starts where others end: the change was applied by a bypass,
 * and the request records exactly what was applied for the environment's reviewers to acknowledge.
 *
 *   bypassed ──approvals ≥ min──> acknowledged;   bypassed ──decline──> incident
 */
export const CHANGE_REQUEST_STATUSES = [
  'pending',
  'approved',
  'declined',
  'scheduled',
  'applied',
  'failed',
  'cancelled',
  'bypassed',
  'acknowledged',
  'incident',
] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];
export const OPEN_STATUSES: readonly ChangeRequestStatus[] = ['pending', 'approved', 'declined', 'scheduled'];
export const isOpen = (s: string) => (OPEN_STATUSES as readonly string[]).includes(s);

/** A retroactive review still waiting for the reviewers (applied already: it can be reviewed, never applied). */
export const isAwaitingAcknowledgement = (s: string) => s === 'bypassed';

/** Where a retroactive review goes after a review: any decline flags the bypass as an incident. */
export function retroactiveStatus(tally: Tally, requiredApprovals: number): 'bypassed' | 'acknowledged' | 'incident' {
  if (tally.decliners.length) return 'incident';
  return tally.approvers.length >= Math.max(1, requiredApprovals) ? 'acknowledged' : 'bypassed';
}

export type ReviewDecision = 'approve' | 'decline' | 'comment';

/**
 * What the approvals bind to: the resource, the environment, the version the instructions were
 * written against, the instructions themselves and when they are to apply. Changing any of them
 * changes the hash, and reviews of another hash stop counting.
 */
export function changeRequestContentHash(c: {
  resourceKind: string;
  resourceKey: string;
  environmentKey: string;
  baseVersion: number;
  instructions: unknown;
  executionDate: string | null;
}): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex');
}

export interface ReviewRecord {
  reviewerId: string;
  decision: ReviewDecision;
  contentHash: string;
}

export interface Tally {
  approvers: string[];
  decliners: string[];
}

/**
 * Each reviewer's latest decision on the current content (comments do not change a decision).
 * `counts` filters reviewers by the eligibility rules in force now.
 */
export function tallyReviews(
  reviews: readonly ReviewRecord[],
  contentHash: string,
  counts: (reviewerId: string) => boolean = () => true,
): Tally {
  const latest = new Map<string, ReviewDecision>();
  for (const r of reviews) {
    if (r.contentHash !== contentHash || r.decision === 'comment' || !counts(r.reviewerId)) continue;
    latest.set(r.reviewerId, r.decision);
  }
  const approvers: string[] = [];
  const decliners: string[] = [];
  for (const [id, d] of latest) (d === 'approve' ? approvers : decliners).push(id);
  return { approvers: approvers.sort(), decliners: decliners.sort() };
}

/** The open status that follows from the reviews on the current content. */
export function openStatus(tally: Tally, requiredApprovals: number, executionDate: Date | null): ChangeRequestStatus {
  if (tally.decliners.length) return 'declined';
  if (tally.approvers.length >= requiredApprovals) return executionDate ? 'scheduled' : 'approved';
  return 'pending';
}
