import { Injectable } from '@nestjs/common';
import type { DomainError } from '../../core/errors';
import type { Actor } from '../accounts/models/actor';
import { ChangeRequestAccess } from './change-request-access';
import { ChangeRequestApplyService } from './change-request-apply.service';
import { ChangeRequestReviewsService } from './change-request-reviews.service';
import type { Located } from './change-request-scope';
import type { ChangeRequestRow } from './change-requests.repository';
import { ChangeRequestsService } from './change-requests.service';
import type { ChangeRequestView } from './models/change-request.view';

/** Whether the caller may do one thing now; when not, why (and the catalogue code the API would answer). */
export interface ActionDecision {
  allowed: boolean;
  reason?: string;
  code?: string;
}

export const CALLER_ACTIONS = ['review', 'comment', 'apply', 'rebase', 'cancel'] as const;
export type CallerActions = Record<(typeof CALLER_ACTIONS)[number], ActionDecision>;

const decision = (refusal: DomainError | null): ActionDecision =>
  refusal ? { allowed: false, reason: refusal.message, code: refusal.code } : { allowed: true };

/**
 * What the caller may do with a change request now, for a console that offers only what the API
 * would accept: each answer comes from the refusal the mutation itself checks (reviews, apply, the
 * owner rules), never from a copy of its rules.
 */
@Injectable()
export class ChangeRequestActionsService {
  constructor(
    private readonly access: ChangeRequestAccess,
    private readonly requests: ChangeRequestsService,
    private readonly reviews: ChangeRequestReviewsService,
    private readonly applier: ChangeRequestApplyService,
  ) {}

  /** GET /change-requests/{id}: the request with the caller's `actions`. */
  async get(actor: Actor, id: string): Promise<ChangeRequestView & { actions: CallerActions }> {
    const { row, at } = await this.access.load(actor, id);
    const [view, actions] = await Promise.all([this.access.view(row), this.of(actor, row, at)]);
    return { ...view, actions };
  }

  /** GraphQL's ChangeRequest.callerActions. */
  async forCaller(actor: Actor, id: string): Promise<CallerActions> {
    const { row, at } = await this.access.load(actor, id);
    return this.of(actor, row, at);
  }

  private async of(actor: Actor, row: ChangeRequestRow, at: Located): Promise<CallerActions> {
    const [review, comment, apply, rebase, cancel] = await Promise.all([
      this.reviews.refusal(actor, row, at, 'approve'),
      this.reviews.refusal(actor, row, at, 'comment'),
      this.applier.refusal(actor, row, at),
      this.requests.ownerActionRefusal(actor, row, at, 'rebase'),
      this.requests.ownerActionRefusal(actor, row, at, 'cancel'),
    ]);
    return {
      review: decision(review),
      comment: decision(comment),
      apply: decision(apply),
      // Allowed by the API but pointless while the request is current: not offered, and no code (nothing refuses it).
      rebase: rebase.reason ? { allowed: false, reason: rebase.reason } : decision(rebase.refusal),
      cancel: decision(cancel.refusal),
    };
  }
}
