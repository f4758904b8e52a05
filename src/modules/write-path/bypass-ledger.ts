import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import type { ProjectContext } from '../projects/project-context';
import type { ApprovalBypass, GovernedKind } from './approval-gate';
import type { ResourceKind } from './resource-writer';

/** A change applied past a required approval (break-glass), as its retroactive review records it. */
export interface AppliedBypass {
  kind: ResourceKind | GovernedKind;
  project: Pick<ProjectContext, 'id' | 'key'>;
  environment: { id: string; key: string };
  resourceKey: string;
  /** Exactly what was applied: the instructions (or, for governance changes, the change itself). */
  instructions: unknown[];
  previousVersion: number;
  appliedVersion: number;
  /** Why the environment's settings required approval. */
  reasons: string[];
  bypassReason: string;
  /** Acknowledgements the retroactive review needs (the environment's minimum approvals). */
  approvalsRequired: number;
}

/** What the response and the audit entry say of one bypass. */
export interface BypassNotice {
  environment: string;
  reason: string;
  /** The retroactive review (a change request in state `bypassed`). */
  reviewId: string;
}

/**
 * Where break-glass writes are accounted for: `open` runs in the bypassing write's transaction, so
 * the change, its retroactive review and its `approval.bypassed` webhook delivery commit together
 * or not at all; `announce` runs after commit (the delivery's job, the counter) and never fails
 * the write. Provided by approvals
 * (RetroactiveReviews) under BYPASS_LEDGER, so the write services need not import approvals.
 */
export interface BypassLedger {
  open(tx: Tx, actor: Actor, bypass: AppliedBypass): Promise<BypassNotice>;
  announce(actor: Actor, notices: BypassNotice[]): void;
}

export const BYPASS_LEDGER = Symbol('BypassLedger');

/**
 * The audit entry's account of a write's bypasses: each with the retroactive review the ledger
 * opened for it (`notices[i]` is the review of `bypasses[i]`); nothing when it bypassed nothing.
 */
export function bypassAuditLinks(
  bypasses: readonly ApprovalBypass[],
  notices: readonly BypassNotice[],
): { approvalBypassed?: (ApprovalBypass & { retroactiveReview: string })[] } {
  if (!bypasses.length) return {};
  return { approvalBypassed: bypasses.map((b, i) => ({ ...b, retroactiveReview: notices[i].reviewId })) };
}
