import { Injectable } from '@nestjs/common';
import { changeRequestContentHash } from '../../core/approval';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { actorRef, type Actor } from '../accounts/models/actor';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import type { AppliedBypass, BypassLedger, BypassNotice } from '../write-path/bypass-ledger';
import { identityOf } from './change-request-scope';
import { ChangeRequestsRepository } from './change-requests.repository';
import { changeRequestView } from './models/change-request.view';

/**
 * Break-glass writes become change requests in state `bypassed`: what was applied, by whom and why,
 * for the environment's reviewers to acknowledge (approve) or flag as an incident (decline). They
 * are listed with `status=bypassed` until then.
 */
@Injectable()
export class RetroactiveReviews implements BypassLedger {
  /** The delivery rows open() wrote for each notice, for announce() after the commit. */
  private readonly deliveries = new WeakMap<BypassNotice, string[]>();

  constructor(
    private readonly repo: ChangeRequestsRepository,
    private readonly clock: ClockService,
    private readonly webhooks: WebhookEventsService,
    private readonly metrics: MetricsService,
  ) {}

  async open(tx: Tx, actor: Actor, b: AppliedBypass): Promise<BypassNotice> {
    const now = this.clock.now();
    const row = await this.repo.create(tx, {
      projectId: b.project.id,
      projectKey: b.project.key,
      environmentId: b.environment.id,
      environmentKey: b.environment.key,
      resourceKind: b.kind,
      resourceKey: b.resourceKey,
      status: 'bypassed',
      description: `break-glass: ${b.bypassReason}`,
      instructions: b.instructions,
      baseVersion: b.previousVersion,
      contentHash: changeRequestContentHash({
        resourceKind: b.kind,
        resourceKey: b.resourceKey,
        environmentKey: b.environment.key,
        baseVersion: b.previousVersion,
        instructions: b.instructions,
        executionDate: null,
      }),
      approvalsRequired: b.approvalsRequired,
      approvalReasons: b.reasons,
      requester: actorRef(actor),
      requesterId: identityOf(actor),
      appliedVersion: b.appliedVersion,
      appliedAt: now,
      history: [{ at: now.toISOString(), status: 'bypassed', actor: actorRef(actor), note: b.bypassReason }],
      guardrailWarnings: [],
    });
    // Written with the bypass: a process that dies after the commit loses no approval.bypassed event.
    const deliveries = await this.webhooks.record(tx, [
      {
        event: 'approval.bypassed',
        payload: { ...changeRequestView(row), reason: b.bypassReason, actor: actorRef(actor) },
      },
    ]);
    const notice: BypassNotice = { environment: b.environment.key, reason: b.bypassReason, reviewId: row.id };
    this.deliveries.set(notice, deliveries);
    return notice;
  }

  /** After commit: counted, and the deliveries open() wrote get their jobs (pending rows are swept up anyway). */
  announce(_actor: Actor, notices: BypassNotice[]): void {
    if (!notices.length) return;
    this.metrics.changeRequests.inc({ event: 'bypassed' }, notices.length);
    this.webhooks.wakeAfterCommit(
      notices.flatMap((n) => this.deliveries.get(n) ?? []),
      'approval.bypassed',
    );
  }
}
