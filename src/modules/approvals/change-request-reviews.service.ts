import { Injectable } from '@nestjs/common';
import {
  isAwaitingAcknowledgement,
  isOpen,
  openStatus,
  retroactiveStatus,
  tallyReviews,
  type ApprovalSettings,
} from '../../core/approval';
import { DomainError } from '../../core/errors';
import { formatResource } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { ChangeRequestAccess } from './change-request-access';
import { ChangeRequestAutomation } from './change-request-automation';
import type { ChangeRequestRow } from './change-requests.repository';
import { changeRequestNotFound, identityOf, type Located } from './change-request-scope';
import { authzRefusal } from './change-request-refusals';
import type { ReviewChangeRequestDto } from './dto/change-requests.dto';
import { reviewRecords, type ChangeRequestView } from './models/change-request.view';
import { reviewerCounts } from './reviewer-eligibility';

/** Open requests take reviews, and so do retroactive reviews of break-glass writes until acknowledged. */
const reviewable = (status: string) => isOpen(status) || isAwaitingAcknowledgement(status);

/**
 * Reviews: approve, decline or comment. Decisions bind to the request's current content hash. On a
 * retroactive review (`bypassed`), approving acknowledges the bypass and declining flags it as an incident.
 */
@Injectable()
export class ChangeRequestReviewsService {
  constructor(
    private readonly access: ChangeRequestAccess,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly automation: ChangeRequestAutomation,
  ) {}

  async review(actor: Actor, id: string, dto: ReviewChangeRequestDto): Promise<ChangeRequestView> {
    const { row, at } = await this.access.load(actor, id);
    const refusal = await this.refusal(actor, row, at, dto.decision);
    if (refusal) throw refusal;
    const resource = await this.access.resource(row.resourceKind, at, row.resourceKey);
    const settings = approvalSettingsOf(at.project, at.env);
    const { updated, events, deliveries } = await this.access.repo.transaction(async (tx) => {
      const locked = await this.access.repo.findForUpdate(tx, id);
      if (!locked) throw changeRequestNotFound(id);
      if (!reviewable(locked.status))
        throw new DomainError(
          'change_request/not_open',
          `change request '${id}' is ${locked.status}; it can no longer be reviewed`,
        );
      await this.access.repo.addReview(tx, {
        changeRequestId: id,
        reviewer: actorRef(actor),
        reviewerId: identityOf(actor),
        decision: dto.decision,
        comment: dto.comment ?? '',
        contentHash: locked.contentHash,
      });
      const withReview = (await this.access.repo.find(id, tx))!;
      const status = this.statusAfterReviews(withReview, settings);
      const next =
        status === locked.status
          ? withReview
          : await this.access.repo.update(tx, id, {
              status,
              history: [...locked.history, this.access.historyEntry(actor, status, `after ${dto.decision}`)],
            });
      await this.recordReview(tx, actor, locked, formatResource(resource), dto);
      const events: WebhookEvent[] = ['change_request.reviewed'];
      if (status !== locked.status && (status === 'approved' || status === 'scheduled'))
        events.push('change_request.approved');
      if (status !== locked.status && status === 'declined') events.push('change_request.declined');
      if (status !== locked.status && status === 'acknowledged') events.push('change_request.acknowledged');
      if (status !== locked.status && status === 'incident') events.push('change_request.incident');
      const review = { decision: dto.decision, comment: dto.comment ?? '' };
      return { updated: next, events, deliveries: await this.access.record(tx, events, next, actor, { review }) };
    });
    this.access.announce(events, deliveries);
    this.access.schedule(updated);
    if (updated.status === 'approved' && events.includes('change_request.approved') && settings.autoApplyOnApproval) {
      // The review itself is committed: a refused auto-apply leaves the request failed (with the
      // reason and a webhook) and answers with that state rather than an error.
      return this.automation
        .applyAutomatically(id, at, `auto-applied on approval by ${actor.name}`)
        .catch(async (err: unknown) => {
          if (!(err instanceof DomainError)) throw err;
          return this.access.view((await this.access.repo.find(id))!);
        });
    }
    return this.access.view(updated);
  }

  /**
   * Why the caller may not make this decision on the request now, or null: the request's state, the
   * reviewChangeRequest permission (a requester's own comment needs none) and whether their decision
   * would count (self-review, service tokens, reviewer teams). review() and the read's `actions` use it.
   */
  async refusal(
    actor: Actor,
    row: ChangeRequestRow,
    at: Located,
    decision: ReviewChangeRequestDto['decision'],
  ): Promise<DomainError | null> {
    if (!reviewable(row.status))
      return new DomainError(
        'change_request/not_open',
        `change request '${row.id}' is ${row.status}; it can no longer be reviewed`,
      );
    const resource = await this.access.resource(row.resourceKind, at, row.resourceKey);
    if (decision !== 'comment' || identityOf(actor) !== row.requesterId) {
      const forbidden = authzRefusal(this.authz, actor, 'reviewChangeRequest', resource);
      if (forbidden) return forbidden;
    }
    if (decision === 'comment') return null;
    const settings = approvalSettingsOf(at.project, at.env);
    const teams = actor.memberId ? ((await this.access.repo.teamsOf([actor.memberId])).get(actor.memberId) ?? []) : [];
    const refusal = reviewerCounts(settings, row.requesterId, identityOf(actor), actorRef(actor), teams);
    if (!refusal) return null;
    return new DomainError(
      refusal.startsWith('requesters') ? 'approval/self_review' : 'approval/reviewer_not_allowed',
      refusal,
    );
  }

  /** Status from the latest decisions on the current content, by reviewers who still count. */
  private statusAfterReviews(row: ChangeRequestRow, settings: ApprovalSettings) {
    const refs = new Map(row.reviews.map((r) => [r.reviewerId, r.reviewer]));
    // Teams were checked when each review was made; the apply re-checks them.
    const tally = tallyReviews(
      reviewRecords(row),
      row.contentHash,
      (id) => reviewerCounts({ ...settings, reviewerTeams: [] }, row.requesterId, id, refs.get(id)!, []) === null,
    );
    return isAwaitingAcknowledgement(row.status)
      ? retroactiveStatus(tally, row.approvalsRequired)
      : openStatus(tally, row.approvalsRequired, row.executionDate);
  }

  private recordReview(tx: Tx, actor: Actor, row: ChangeRequestRow, resource: string, dto: ReviewChangeRequestDto) {
    return this.audit.record(tx, actor, {
      action: 'reviewChangeRequest',
      resource,
      comment: dto.comment,
      after: { decision: dto.decision, contentHash: row.contentHash },
      links: { changeRequest: row.id },
    });
  }
}
