import { tallyReviews, type ReviewDecision } from '../../../core/approval';
import type { Variation } from '../../../core/model/flag-config';
import type { PhaseOrigin } from '../../../core/release';
import type { ChangeRequestRow } from '../change-requests.repository';

/** A variation an instruction refers to, as people know it. */
export interface NamedVariation {
  id: string;
  value: unknown;
  name?: string;
}

export interface ChangeRequestView {
  id: string;
  resourceKind: string;
  resourceKey: string;
  projectKey: string;
  environmentKey: string;
  status: string;
  description: string;
  instructions: unknown[];
  baseVersion: number;
  contentHash: string;
  approvalsRequired: number;
  approvalReasons: string[];
  /** Guardrail `warn` rules the requested change breaks (it may still be applied). */
  warnings: { policy: string; rule: string; message: string; environment?: string }[];
  /** Latest decisions on the current content (ids), and the same people named. */
  approvals: { approvers: string[]; decliners: string[]; approvedBy: unknown[]; declinedBy: unknown[] };
  requester: unknown;
  /** The release plan run and phase that opened it; null when a person or token did. */
  origin: PhaseOrigin | null;
  executionDate: string | null;
  appliedVersion: number | null;
  appliedAt: string | null;
  failure: unknown;
  history: unknown[];
  /** The variations the instructions refer to (by `variationId`), named; unknown ids are left out. */
  variations: NamedVariation[];
  reviews: { id: string; reviewer: unknown; decision: string; comment: string; current: boolean; createdAt: string }[];
  createdAt: string;
  updatedAt: string;
}

/** Every `variationId` an instruction list mentions (also inside rollouts), once, in order. */
export function referencedVariationIds(value: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(value)) value.forEach((v) => referencedVariationIds(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'variationId' && typeof v === 'string') out.add(v);
      else referencedVariationIds(v, out);
    }
  return [...out];
}

const named = (variations: readonly Variation[], ids: string[]): NamedVariation[] =>
  ids.flatMap((id) => {
    const v = variations.find((x) => x._id === id);
    return v ? [{ id, value: v.value, ...(v.name ? { name: v.name } : {}) }] : [];
  });

/** `variations`: the flag's variations now, to name those the instructions refer to (none for segments). */
export const changeRequestView = (r: ChangeRequestRow, variations: readonly Variation[] = []): ChangeRequestView => ({
  id: r.id,
  resourceKind: r.resourceKind,
  resourceKey: r.resourceKey,
  projectKey: r.project.key,
  environmentKey: r.environment.key,
  status: r.status,
  description: r.description,
  instructions: r.instructions,
  baseVersion: r.baseVersion,
  contentHash: r.contentHash,
  approvalsRequired: r.approvalsRequired,
  approvalReasons: r.approvalReasons,
  warnings: r.guardrailWarnings,
  approvals: namedApprovals(r),
  requester: r.requester,
  origin: r.origin ?? null,
  executionDate: r.executionDate?.toISOString() ?? null,
  appliedVersion: r.appliedVersion,
  appliedAt: r.appliedAt?.toISOString() ?? null,
  failure: r.failure ?? null,
  history: r.history,
  variations: named(variations, referencedVariationIds(r.instructions)),
  reviews: r.reviews.map((v) => ({
    id: v.id,
    reviewer: v.reviewer,
    decision: v.decision,
    comment: v.comment,
    current: v.contentHash === r.contentHash,
    createdAt: v.createdAt.toISOString(),
  })),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The tally by reviewer id, plus who they are (the reviewer as recorded on their latest current review). */
function namedApprovals(r: ChangeRequestRow): ChangeRequestView['approvals'] {
  const tally = tallyReviews(reviewRecords(r), r.contentHash);
  const current = r.reviews.filter((v) => v.contentHash === r.contentHash);
  const named = (id: string) => current.filter((v) => v.reviewerId === id).at(-1)?.reviewer ?? { id };
  return { ...tally, approvedBy: tally.approvers.map(named), declinedBy: tally.decliners.map(named) };
}

export const reviewRecords = (r: ChangeRequestRow) =>
  r.reviews.map((v) => ({
    reviewerId: v.reviewerId,
    decision: v.decision as ReviewDecision,
    contentHash: v.contentHash,
  }));
