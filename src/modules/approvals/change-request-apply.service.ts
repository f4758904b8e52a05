import { isOpen, tallyReviews, type ApprovalSettings } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { formatResource } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import type { AuditRecord } from '../audit/audit.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { mintPreApproval } from '../write-path/pre-approval';
import type { ResourceState, ResourceWriter, ResourceWriters } from '../write-path/resource-writer';
import { changeRequestNotFound, type ChangeRequestScope, type Located } from './change-request-scope';
import type { ChangeRequestRow, ChangeRequestStore } from './change-requests.repository';
import type { ApplyChangeRequestDto } from './dto/change-requests.dto';
import { reviewRecords, type ChangeRequestView } from './models/change-request.view';
import { reviewerCounts } from './reviewer-eligibility';
import { authzRefusal, staleRefusal } from './change-request-refusals';

export interface ApplyOptions {
  override: boolean;
  comment: string;
}

/** What applying records in the audit log (AuditService, in the caller's transaction). */
export interface AuditRecorder {
  record(tx: Tx, actor: Actor, r: AuditRecord): Promise<unknown>;
}

/**
 * Applying a change request: every rule is re-checked under the request's row lock, then the
 * instructions go through the resource's writer in the same transaction as the status change and
 * the audit entries, so a request is applied exactly once or not at all.
 * Gantry's own applies (scheduled, on approval) run the same checks and write (applyLocked) through
 * ChangeRequestAutomation, under the automation runner's lock.
 *
 * A plain class over narrow interfaces, provided by a factory in ApprovalsModule: @nestjs/common is
 * ESM, which jest cannot load, so a decorator here would keep the unit spec from loading this file.
 */
export class ChangeRequestApplyService {
  constructor(
    private readonly requests: ChangeRequestStore,
    private readonly scope: ChangeRequestScope,
    private readonly writers: ResourceWriters,
    private readonly authz: Pick<AuthorizationService, 'assert'>,
    private readonly audit: AuditRecorder,
  ) {}

  async apply(actor: Actor, id: string, dto: ApplyChangeRequestDto): Promise<ChangeRequestView> {
    const row = await this.requests.find(id);
    if (!row) throw changeRequestNotFound(id);
    const at = await this.scope.locate(actor, row.project.key, row.environment.key);
    const resource = await this.writers.get(row.resourceKind).resourceRef(at.project, at.env, row.resourceKey);
    this.authz.assert(actor, 'applyChangeRequest', resource);
    if (dto.override) this.authz.assert(actor, 'bypassRequiredApproval', resource);
    return this.run(actor, id, at, { override: dto.override === true, comment: dto.comment ?? '' });
  }

  private async run(actor: Actor, id: string, at: Located, opts: ApplyOptions): Promise<ChangeRequestView> {
    const events: WebhookEvent[] = ['change_request.applied'];
    const { applied, deliveries } = await this.requests.transaction(async (tx) => {
      const done = await this.applyInTx(tx, actor, id, at, opts);
      return {
        applied: done,
        deliveries: await this.scope.record(tx, events, done, actor, { appliedVersion: done.appliedVersion }),
      };
    });
    this.scope.announce(events, deliveries);
    return this.scope.view(applied);
  }

  /**
   * One read and one computation: the resource is locked and read once, under its row lock (held
   * until commit, so nothing changes it between these checks and the write), the instructions are
   * computed once over that state, and the write takes the result. Before ResourceWriter, an apply
   * read the resource three times (its version, a dry run, the write's own read) and computed twice.
   * Gantry's own applies (scheduled, on approval) call this through ChangeRequestAutomation, inside
   * the automation runner's transaction.
   */
  async applyInTx(tx: Tx, actor: Actor, id: string, at: Located, opts: ApplyOptions): Promise<ChangeRequestRow> {
    const locked = await this.requests.findForUpdate(tx, id);
    if (!locked) throw changeRequestNotFound(id);
    return this.applyLocked(tx, actor, locked, at, opts);
  }

  /** The same, for a caller that already holds the request's row lock in `tx` (the automation runner). */
  async applyLocked(
    tx: Tx,
    actor: Actor,
    locked: ChangeRequestRow,
    at: Located,
    opts: ApplyOptions,
  ): Promise<ChangeRequestRow> {
    const { id } = locked;
    const stateRefusal = this.stateRefusal(locked);
    if (stateRefusal) throw stateRefusal;
    const writer = this.writers.get(locked.resourceKind);
    const instructions = locked.instructions;
    const current = await writer.lock(tx, at.project, at.env, locked.resourceKey);
    if (current.version !== locked.baseVersion && !opts.override)
      throw await this.conflict(tx, writer, at, locked, current);
    const change = await writer.compute(tx, at.project, at.env, current, instructions).catch((err: unknown) => {
      if (err instanceof DomainError && err.status < 500)
        throw new DomainError(
          'change_request/conflict',
          `the instructions no longer apply: ${err.message}`,
          err.errors,
        );
      throw err;
    });
    const settings = approvalSettingsOf(at.project, at.env);
    const required = change.reasons.length ? settings.minApprovals : 0;
    const tally = await this.eligibleTally(locked, settings, tx);
    const approvalRefusal = this.approvalRefusal(locked, tally, required, settings);
    if (approvalRefusal) throw approvalRefusal;
    const link = { id, requester: locked.requester, reviewers: tally.approvers, override: opts.override };
    // The reviews just counted are the approval: the only place a change request's write is trusted past the gate.
    const preApproved = mintPreApproval({ environmentKey: at.env.key, links: { changeRequest: link } });
    const { version } = await writer.applyComputed(tx, actor, at.project, at.env, change, {
      comment: opts.comment || `change request ${id}`,
      preApproved,
    });
    const next = await this.requests.update(tx, id, {
      status: 'applied',
      appliedVersion: version,
      appliedAt: this.scope.now(),
      history: [
        ...locked.history,
        this.scope.historyEntry(
          actor,
          'applied',
          opts.override ? `applied with override at version ${version}` : `applied at version ${version}`,
        ),
      ],
    });
    await this.audit.record(tx, actor, {
      action: 'applyChangeRequest',
      resource: formatResource(change.resource),
      comment: opts.comment,
      before: { status: locked.status },
      after: { status: 'applied', appliedVersion: version },
      links: { changeRequest: id, requester: locked.requester, reviewers: tally.approvers, override: opts.override },
    });
    return next;
  }

  /**
   * Why the caller may not apply the request now, or null: the same checks apply() makes (permission,
   * state, the resource unchanged since the base version, the approvals counted under the settings in
   * force), read without locks; the approvals the request was created with stand in for the ones its
   * instructions need when recomputed at apply time. For the read's `actions`.
   */
  async refusal(actor: Actor, row: ChangeRequestRow, at: Located): Promise<DomainError | null> {
    const writer = this.writers.get(row.resourceKind);
    const resource = await writer.resourceRef(at.project, at.env, row.resourceKey);
    const refusal = authzRefusal(this.authz, actor, 'applyChangeRequest', resource) ?? this.stateRefusal(row);
    if (refusal) return refusal;
    const stale = staleRefusal(row, (await writer.current(at.project, at.env, row.resourceKey)).version);
    if (stale) return stale;
    const settings = approvalSettingsOf(at.project, at.env);
    return this.approvalRefusal(row, await this.eligibleTally(row, settings), row.approvalsRequired, settings);
  }

  /** Applied, closed, or scheduled for later. */
  private stateRefusal(row: ChangeRequestRow): DomainError | null {
    const { id } = row;
    if (row.status === 'applied')
      return new DomainError(
        'change_request/already_applied',
        `change request '${id}' was already applied (version ${row.appliedVersion})`,
      );
    if (!isOpen(row.status))
      return new DomainError('change_request/not_open', `change request '${id}' is ${row.status}`);
    if (row.status === 'scheduled' && row.executionDate && row.executionDate > this.scope.now())
      return new DomainError(
        'change_request/not_due',
        `change request '${id}' is scheduled for ${row.executionDate.toISOString()}`,
      );
    return null;
  }

  /** Declined (where that blocks), or fewer approvals from eligible reviewers than `required`. */
  private approvalRefusal(
    row: ChangeRequestRow,
    tally: { approvers: string[]; decliners: string[] },
    required: number,
    settings: ApprovalSettings,
  ): DomainError | null {
    if (tally.decliners.length && !settings.canApplyDeclinedChanges)
      return new DomainError(
        'approval/declined',
        `change request '${row.id}' was declined by ${tally.decliners.join(', ')}`,
      );
    if (tally.approvers.length < required)
      return new DomainError(
        'approval/insufficient_approvals',
        `change request '${row.id}' has ${tally.approvers.length} of the ${required} approvals it needs from distinct eligible reviewers`,
      );
    return null;
  }

  /**
   * The resource moved since the request's base: 409 naming each instruction that no longer fits
   * (it fails now, or its part changed since the base); a base no longer in the history makes every
   * instruction a conflict.
   */
  private async conflict(
    tx: Tx,
    writer: ResourceWriter,
    at: Located,
    locked: ChangeRequestRow,
    current: ResourceState,
  ): Promise<DomainError> {
    const instructions = locked.instructions;
    const base = await writer.atVersion(at.project, at.env, locked.resourceKey, locked.baseVersion, tx);
    const conflicts = base
      ? await writer.conflicts(at.project, at.env, base, current.state, instructions, tx)
      : instructions.map((i, index) => ({
          index,
          kind: String((i as { kind?: unknown })?.kind),
          reason: `version ${locked.baseVersion} is no longer in the history`,
        }));
    return new DomainError(
      'change_request/conflict',
      `${writer.kind} '${locked.resourceKey}' changed since version ${locked.baseVersion} (now ${current.version}); ` +
        'rebase the request (its reviews reset) or apply with override',
      conflicts.length
        ? conflicts.map((c) => ({ index: c.index, field: c.kind, reason: c.reason }))
        : [{ reason: 'no instruction conflicts, but the reviewed configuration is not the current one' }],
    );
  }

  /** Latest decisions on the current content by reviewers who count under the settings in force now. */
  private async eligibleTally(row: ChangeRequestRow, settings: ApprovalSettings, tx?: Tx) {
    const refs = new Map(row.reviews.map((r) => [r.reviewerId, r.reviewer]));
    const memberIds = [...refs.values()].map((r) => r.memberId).filter((m): m is string => !!m);
    const teams = settings.reviewerTeams.length
      ? await this.requests.teamsOf(memberIds, tx)
      : new Map<string, string[]>();
    return tallyReviews(reviewRecords(row), row.contentHash, (id) => {
      const ref = refs.get(id)!;
      return reviewerCounts(settings, row.requesterId, id, ref, teams.get(ref.memberId ?? '') ?? []) === null;
    });
  }
}
