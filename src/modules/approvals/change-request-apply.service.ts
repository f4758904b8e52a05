import { Injectable, Logger } from '@nestjs/common';
import { isOpen, tallyReviews, type ApprovalSettings } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { formatResource } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import { waitUntilDue } from '../../infra/queues/alarm-jobs';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { automationActor } from '../accounts/system-actor';
import { AuditService } from '../audit/audit.service';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { ChangeRequestAccess, changeRequestNotFound } from './change-request-access';
import type { ChangeRequestRow } from './change-requests.repository';
import { ChangeTargets, type Located, type ResourceKind } from './change-targets';
import type { ApplyChangeRequestDto } from './dto/change-requests.dto';
import { changeRequestView, reviewRecords, type ChangeRequestView } from './models/change-request.view';
import { reviewerCounts } from './reviewer-eligibility';

/** Refusals that say the request is not (or no longer) for this apply, rather than that it cannot apply. */
const NOT_FAILURES = new Set(['change_request/already_applied', 'change_request/not_open', 'change_request/not_due']);

interface ApplyOptions {
  override: boolean;
  comment: string;
  /** Scheduled or auto-applied: due dates are honoured and a refusal marks the request failed. */
  automatic: boolean;
}

/**
 * Applying a change request: every rule is re-checked under the request's row lock, then the
 * instructions go through the resource's write service in the same transaction as the status
 * change and the audit entries, so a request is applied exactly once or not at all.
 */
@Injectable()
export class ChangeRequestApplyService {
  private readonly logger = new Logger('change-requests');

  constructor(
    private readonly access: ChangeRequestAccess,
    private readonly targets: ChangeTargets,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
  ) {}

  async apply(actor: Actor, id: string, dto: ApplyChangeRequestDto): Promise<ChangeRequestView> {
    const { row, at } = await this.access.load(actor, id);
    const resource = await this.access.resource(row.resourceKind as ResourceKind, at, row.resourceKey);
    this.authz.assert(actor, 'applyChangeRequest', resource);
    if (dto.override) this.authz.assert(actor, 'bypassRequiredApproval', resource);
    return this.run(actor, id, at, { override: dto.override === true, comment: dto.comment ?? '', automatic: false });
  }

  /** For autoApplyOnApproval and scheduled requests: as Gantry, on the request's behalf; failures mark the request failed. */
  applyAutomatically(id: string, at: Located, note: string): Promise<ChangeRequestView> {
    return this.run(automationActor(note), id, at, { override: false, comment: note, automatic: true });
  }

  /** The worker's entry point for a due scheduled request. */
  async applyScheduled(id: string): Promise<ChangeRequestView | null> {
    const row = await this.access.repo.find(id);
    if (!row || row.status !== 'scheduled') return null;
    // Woken more than a moment early (clock skew): a plain error, so the job is retried later.
    if (row.executionDate && !(await waitUntilDue(row.executionDate, () => this.access.now())))
      throw new Error(`change request ${id} is not due yet`);
    const actor = automationActor(`schedule of change request ${id}`);
    const at = await this.access.locate(actor, row.project.key, row.environment.key);
    return this.run(actor, id, at, {
      override: false,
      comment: `scheduled for ${row.executionDate?.toISOString()}`,
      automatic: true,
    });
  }

  private async run(actor: Actor, id: string, at: Located, opts: ApplyOptions): Promise<ChangeRequestView> {
    try {
      const applied = await this.access.repo.transaction((tx) => this.applyInTx(tx, actor, id, at, opts));
      this.access.emit(['change_request.applied'], applied, actor, { appliedVersion: applied.appliedVersion });
      return changeRequestView(applied);
    } catch (err) {
      if (opts.automatic && err instanceof DomainError && !NOT_FAILURES.has(err.code))
        await this.markFailed(actor, id, at, err);
      throw err;
    }
  }

  private async applyInTx(
    tx: Tx,
    actor: Actor,
    id: string,
    at: Located,
    opts: ApplyOptions,
  ): Promise<ChangeRequestRow> {
    const locked = await this.access.repo.findForUpdate(tx, id);
    if (!locked) throw changeRequestNotFound(id);
    if (locked.status === 'applied')
      throw new DomainError(
        'change_request/already_applied',
        409,
        `change request '${id}' was already applied (version ${locked.appliedVersion})`,
      );
    if (!isOpen(locked.status))
      throw new DomainError('change_request/not_open', 409, `change request '${id}' is ${locked.status}`);
    if (locked.status === 'scheduled' && locked.executionDate && locked.executionDate > this.access.now()) {
      throw new DomainError(
        'change_request/not_due',
        409,
        `change request '${id}' is scheduled for ${locked.executionDate.toISOString()}`,
      );
    }
    const kind = locked.resourceKind as ResourceKind;
    const instructions = locked.instructions as unknown[];
    const current = await this.targets.current(kind, at, locked.resourceKey);
    if (current.version !== locked.baseVersion && !opts.override) {
      const conflicts = await this.targets.conflicts(
        kind,
        at,
        locked.resourceKey,
        locked.baseVersion,
        current.state,
        instructions,
      );
      throw new DomainError(
        'change_request/conflict',
        409,
        `${kind} '${locked.resourceKey}' changed since version ${locked.baseVersion} (now ${current.version}); rebase the request (its reviews reset) or apply with override`,
        conflicts.length
          ? conflicts.map((c) => ({ index: c.index, field: c.kind, reason: c.reason }))
          : [{ reason: 'no instruction conflicts, but the reviewed configuration is not the current one' }],
      );
    }
    const preview = await this.targets
      .preview(kind, actor, at, locked.resourceKey, instructions, false)
      .catch((err: unknown) => {
        if (err instanceof DomainError && err.status < 500)
          throw new DomainError(
            'change_request/conflict',
            409,
            `the instructions no longer apply: ${err.message}`,
            err.errors,
          );
        throw err;
      });
    const settings = approvalSettingsOf(at.project, at.env);
    const required = preview.reasons.length ? settings.minApprovals : 0;
    const tally = await this.eligibleTally(locked, settings);
    if (tally.decliners.length && !settings.canApplyDeclinedChanges) {
      throw new DomainError(
        'approval/declined',
        409,
        `change request '${id}' was declined by ${tally.decliners.join(', ')}`,
      );
    }
    if (tally.approvers.length < required) {
      throw new DomainError(
        'approval/insufficient_approvals',
        409,
        `change request '${id}' has ${tally.approvers.length} of the ${required} approvals it needs from distinct eligible reviewers`,
      );
    }
    const link = { id, requester: locked.requester, reviewers: tally.approvers, override: opts.override };
    const version = await this.targets.apply(
      kind,
      tx,
      actor,
      at,
      locked.resourceKey,
      instructions,
      link,
      opts.comment || `change request ${id}`,
      preview.version,
    );
    const next = await this.access.repo.update(tx, id, {
      status: 'applied',
      appliedVersion: version,
      appliedAt: this.access.now(),
      history: [
        ...(locked.history as unknown[]),
        this.access.historyEntry(
          actor,
          'applied',
          opts.override ? `applied with override at version ${version}` : `applied at version ${version}`,
        ),
      ],
    });
    await this.audit.record(tx, actor, {
      action: 'applyChangeRequest',
      resource: formatResource(preview.resource),
      comment: opts.comment,
      before: { status: locked.status },
      after: { status: 'applied', appliedVersion: version },
      links: { changeRequest: id, requester: locked.requester, reviewers: tally.approvers, override: opts.override },
    });
    return next;
  }

  /** Latest decisions on the current content by reviewers who count under the settings in force now. */
  private async eligibleTally(row: ChangeRequestRow, settings: ApprovalSettings) {
    const refs = new Map(row.reviews.map((r) => [r.reviewerId, r.reviewer]));
    const memberIds = [...refs.values()].map((r) => r.memberId).filter((m): m is string => !!m);
    const teams = settings.reviewerTeams.length
      ? await this.access.repo.teamsOf(memberIds)
      : new Map<string, string[]>();
    return tallyReviews(reviewRecords(row), row.contentHash, (id) => {
      const ref = refs.get(id)!;
      return reviewerCounts(settings, row.requesterId, id, ref, teams.get(ref.memberId ?? '') ?? []) === null;
    });
  }

  private async markFailed(actor: Actor, id: string, at: Located, err: DomainError): Promise<void> {
    try {
      const failed = await this.access.repo.transaction(async (tx) => {
        const locked = await this.access.repo.findForUpdate(tx, id);
        if (!locked || !isOpen(locked.status)) return null;
        const next = await this.access.repo.update(tx, id, {
          status: 'failed',
          failure: { code: err.code, message: err.message, errors: err.errors ?? [] },
          history: [...(locked.history as unknown[]), this.access.historyEntry(actor, 'failed', err.message)],
        });
        const resource = formatResource(
          await this.access.resource(locked.resourceKind as ResourceKind, at, locked.resourceKey),
        );
        await this.audit.record(tx, actor, {
          action: 'applyChangeRequest',
          resource,
          comment: `failed: ${err.message}`,
          after: { status: 'failed', code: err.code },
          links: { changeRequest: id },
        });
        return next;
      });
      if (failed) this.access.emit(['change_request.failed'], failed, actor, { failure: failed.failure });
    } catch (e) {
      this.logger.error(`change request ${id} could not be marked failed: ${(e as Error).message}`);
    }
  }
}
