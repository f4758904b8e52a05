import { Injectable } from '@nestjs/common';
import { isOpen, openStatus, tallyReviews } from '../../core/approval';
import { DomainError, isError } from '../../core/errors';
import { formatResource, type ResourceRef } from '../../core/policy';
import type { PhaseOrigin } from '../../core/release';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { ProjectsService } from '../projects/projects.service';
import type { EnvironmentContext } from '../projects/project-context';
import type { Tx } from '../../infra/prisma/tx';
import { approvalSettingsOf } from '../write-path/approval-gate';
import type { ResourceDryRun, ResourceKind } from '../write-path/resource-writer';
import { ChangeRequestAccess } from './change-request-access';
import { changeRequestNotFound, identityOf, type Located } from './change-request-scope';
import type { ChangeRequestRow } from './change-requests.repository';
import type { ChangeRequestQueryDto, CreateChangeRequestDto, UpdateChangeRequestDto } from './dto/change-requests.dto';
import { reviewRecords, type ChangeRequestView } from './models/change-request.view';
import { reviewerCounts } from './reviewer-eligibility';
import { ownerRefusal } from './change-request-refusals';

/**
 * Creating, reading, editing, rebasing and cancelling change requests. Reviews and applies have
 * their own services; all of them share ChangeRequestAccess and the state machine in core/approval.
 */
@Injectable()
export class ChangeRequestsService {
  constructor(
    private readonly access: ChangeRequestAccess,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly projects: ProjectsService,
  ) {}

  async create(
    actor: Actor,
    kind: ResourceKind,
    projectKey: string,
    envKey: string,
    key: string,
    dto: CreateChangeRequestDto,
    origin?: PhaseOrigin,
  ): Promise<ChangeRequestView> {
    const at = await this.access.locate(actor, projectKey, envKey);
    const executionDate = this.executionDate(dto.executionDate);
    // The requester must be allowed to make each change, apart from the approval itself.
    const preview = await this.access
      .writer(kind)
      .dryRun(actor, at.project, at.env, key, dto.instructions, { authorize: true, guardrails: true });
    this.authz.assert(actor, 'createChangeRequest', preview.resource);
    if (!preview.diff.length)
      throw new DomainError('change_request/no_change', 'the instructions change nothing in the current configuration');
    const hash = this.access.hash(kind, key, at.env.key, preview.version, dto.instructions, executionDate);
    const required = this.requiredApprovals(at, preview);
    const status = openStatus({ approvers: [], decliners: [] }, required, executionDate);
    const events: WebhookEvent[] = ['change_request.created'];
    const { row, deliveries } = await this.access.repo.transaction(async (tx) => {
      const created = await this.access.repo.create(tx, {
        projectId: at.project.id,
        projectKey: at.project.key,
        environmentId: at.env.id,
        environmentKey: at.env.key,
        resourceKind: kind,
        resourceKey: key,
        status,
        description: dto.description ?? '',
        instructions: dto.instructions,
        baseVersion: preview.version,
        contentHash: hash,
        approvalsRequired: required,
        approvalReasons: preview.reasons,
        guardrailWarnings: preview.warnings,
        requester: actorRef(actor),
        requesterId: identityOf(actor),
        executionDate,
        history: [this.access.historyEntry(actor, status, 'created')],
        origin,
      });
      await this.audit.record(tx, actor, {
        action: 'createChangeRequest',
        resource: formatResource(preview.resource),
        comment: dto.description,
        after: { instructions: dto.instructions, baseVersion: preview.version, contentHash: hash, executionDate },
        links: { changeRequest: created.id, ...(origin ? { origin } : {}) },
      });
      return { row: created, deliveries: await this.access.record(tx, events, created, actor) };
    });
    this.access.announce(events, deliveries);
    this.access.schedule(row);
    return this.access.view(row);
  }

  /** The newest open request a release plan's phase opened on the flag in `env`, if any (not authorized: for the run's look). */
  async openFromPhase(
    env: EnvironmentContext,
    flagKey: string,
    origin: PhaseOrigin,
  ): Promise<ChangeRequestView | null> {
    const row = await this.access.repo.openFrom(env.id, flagKey, origin);
    return row && this.access.view(row);
  }

  async get(actor: Actor, id: string): Promise<ChangeRequestView> {
    return this.access.view((await this.access.load(actor, id)).row);
  }

  /**
   * Newest first, keyset-paginated by creation time. Requests in projects the caller cannot view
   * are left out; `awaitingMyReview` keeps open requests the caller may review and has not
   * reviewed in their current form.
   */
  async list(actor: Actor, q: ChangeRequestQueryDto): Promise<{ items: ChangeRequestView[]; next: string | null }> {
    const limit = q.limit ?? 50;
    // Read access is as narrow as write access: only environments the caller may view, filtered in
    // the query so a page is never short because of requests elsewhere.
    const scope = await this.projects.visibleScope(actor);
    const located = new Map(scope.projects.flatMap((p) => p.environments.map((env) => [env.id, { project: p, env }])));
    const visible: ChangeRequestRow[] = [];
    let before = q.cursor ? new Date(q.cursor) : undefined;
    // awaitingMyReview also depends on the caller's reviews and permissions, decided here: read on
    // until the page is full or the requests run out.
    for (;;) {
      const rows = await this.access.repo.list({
        statuses: q.awaitingMyReview ? ['pending'] : q.status,
        projectKey: q.projectKey,
        environmentKey: q.environmentKey,
        resourceKind: q.resourceKind,
        resourceKey: q.resourceKey,
        requesterId: q.requester,
        environmentIds: [...located.keys()],
        beforeCreatedAt: before,
        limit: limit + 1,
      });
      for (const row of rows) {
        const at = located.get(row.environmentId ?? '');
        if (!at || (q.awaitingMyReview && !(await this.awaits(actor, row, at)))) continue;
        visible.push(row);
        if (visible.length > limit) break;
      }
      if (visible.length > limit || rows.length <= limit) break;
      before = rows[rows.length - 1].createdAt;
    }
    const page = visible.slice(0, limit);
    return {
      items: await this.access.views(page),
      next: visible.length > limit ? page[page.length - 1].createdAt.toISOString() : null,
    };
  }

  /** GraphQL's myPendingReviews. */
  pendingReviews(actor: Actor, limit = 50) {
    return this.list(actor, { awaitingMyReview: true, limit });
  }

  /** Description edits keep reviews; instruction or execution-date edits re-validate and reset them. */
  async update(actor: Actor, id: string, dto: UpdateChangeRequestDto): Promise<ChangeRequestView> {
    const { row, at } = await this.access.load(actor, id);
    const writer = this.access.writer(row.resourceKind);
    const resource = await writer.resourceRef(at.project, at.env, row.resourceKey);
    this.assertOwnerOrBypass(actor, row, resource, 'edit');
    const content = dto.instructions !== undefined || dto.executionDate !== undefined;
    const instructions = dto.instructions ?? row.instructions;
    const executionDate =
      dto.executionDate === undefined ? row.executionDate : this.executionDate(dto.executionDate ?? undefined);
    const preview = content
      ? await writer.dryRun(actor, at.project, at.env, row.resourceKey, instructions, {
          authorize: true,
          guardrails: true,
        })
      : undefined;
    if (preview && !preview.diff.length)
      throw new DomainError('change_request/no_change', 'the instructions change nothing in the current configuration');
    const updated = await this.access.repo.transaction(async (tx) => {
      const locked = await this.lockOpen(tx, id);
      if (!preview) {
        const next = await this.access.repo.update(tx, id, { description: dto.description ?? locked.description });
        await this.audit.record(tx, actor, {
          action: 'updateChangeRequest',
          resource: formatResource(resource),
          before: { description: locked.description },
          after: { description: next.description },
          links: { changeRequest: id },
        });
        return next;
      }
      return this.rewrite(tx, actor, locked, at, preview, instructions, executionDate, dto.description, 'edited');
    });
    this.access.schedule(updated);
    return this.access.view(updated);
  }

  /** Moves the request onto the current version of its resource: re-validated, reviews reset. */
  async rebase(actor: Actor, id: string): Promise<ChangeRequestView> {
    const { row, at } = await this.access.load(actor, id);
    const writer = this.access.writer(row.resourceKind);
    const resource = await writer.resourceRef(at.project, at.env, row.resourceKey);
    this.assertOwnerOrBypass(actor, row, resource, 'rebase');
    const instructions = row.instructions;
    const preview = await writer
      .dryRun(actor, at.project, at.env, row.resourceKey, instructions, { authorize: true, guardrails: true })
      .catch((err: unknown) => {
        if (!(err instanceof DomainError) || err.status >= 500 || isError(err, 'guardrail/violation')) throw err;
        throw new DomainError(
          'change_request/conflict',
          `the instructions no longer apply to the current configuration: ${err.message}; edit them`,
          err.errors,
        );
      });
    const updated = await this.access.repo.transaction(async (tx) => {
      const locked = await this.lockOpen(tx, id);
      return this.rewrite(
        tx,
        actor,
        locked,
        at,
        preview,
        instructions,
        locked.executionDate,
        undefined,
        `rebased from version ${locked.baseVersion} to ${preview.version}`,
      );
    });
    this.access.schedule(updated);
    return this.access.view(updated);
  }

  async cancel(actor: Actor, id: string): Promise<ChangeRequestView> {
    const { row, at } = await this.access.load(actor, id);
    const resource = await this.access.resource(row.resourceKind, at, row.resourceKey);
    this.assertOwnerOrBypass(actor, row, resource, 'cancel');
    const events: WebhookEvent[] = ['change_request.cancelled'];
    const { updated, deliveries } = await this.access.repo.transaction(async (tx) => {
      const locked = await this.lockOpen(tx, id);
      const next = await this.access.repo.update(tx, id, {
        status: 'cancelled',
        history: [...locked.history, this.access.historyEntry(actor, 'cancelled', 'cancelled')],
      });
      await this.audit.record(tx, actor, {
        action: 'cancelChangeRequest',
        resource: formatResource(resource),
        before: { status: locked.status },
        after: { status: 'cancelled' },
        links: { changeRequest: id },
      });
      return { updated: next, deliveries: await this.access.record(tx, events, next, actor) };
    });
    this.access.announce(events, deliveries);
    return this.access.view(updated);
  }

  /** New content (instructions, base version, execution date) under the row lock: new hash, reviews no longer count. */
  private async rewrite(
    tx: Tx,
    actor: Actor,
    locked: ChangeRequestRow,
    at: Located,
    preview: ResourceDryRun,
    instructions: unknown[],
    executionDate: Date | null,
    description: string | undefined,
    note: string,
  ) {
    const hash = this.access.hash(
      locked.resourceKind,
      locked.resourceKey,
      at.env.key,
      preview.version,
      instructions,
      executionDate,
    );
    const required = this.requiredApprovals(at, preview);
    const status = openStatus(tallyReviews(reviewRecords(locked), hash), required, executionDate);
    const next = await this.access.repo.update(tx, locked.id, {
      instructions,
      baseVersion: preview.version,
      contentHash: hash,
      approvalsRequired: required,
      approvalReasons: preview.reasons,
      guardrailWarnings: preview.warnings,
      executionDate,
      status,
      ...(description !== undefined ? { description } : {}),
      history: [...locked.history, this.access.historyEntry(actor, status, note)],
    });
    await this.audit.record(tx, actor, {
      action: 'updateChangeRequest',
      resource: formatResource(preview.resource),
      before: {
        instructions: locked.instructions,
        baseVersion: locked.baseVersion,
        contentHash: locked.contentHash,
        executionDate: locked.executionDate,
      },
      after: { instructions, baseVersion: preview.version, contentHash: hash, executionDate },
      comment: note,
      links: { changeRequest: locked.id },
    });
    return next;
  }

  private async lockOpen(tx: Tx, id: string): Promise<ChangeRequestRow> {
    const locked = await this.access.repo.findForUpdate(tx, id);
    if (!locked) throw changeRequestNotFound(id);
    if (!isOpen(locked.status))
      throw new DomainError('change_request/not_open', `change request '${id}' is ${locked.status}`);
    return locked;
  }

  private requiredApprovals(at: Located, preview: ResourceDryRun): number {
    return preview.reasons.length ? approvalSettingsOf(at.project, at.env).minApprovals : 0;
  }

  private executionDate(iso: string | undefined): Date | null {
    if (iso === undefined) return null;
    const date = new Date(iso);
    if (date.getTime() <= this.access.now().getTime()) {
      throw new DomainError('change_request/invalid_execution_date', `executionDate ${iso} is not in the future`, [
        { field: 'executionDate', reason: 'must be in the future' },
      ]);
    }
    return date;
  }

  /** Only the requester edits, rebases or cancels a request, or someone who could bypass approval anyway. */
  private assertOwnerOrBypass(actor: Actor, row: ChangeRequestRow, resource: ResourceRef, verb: string) {
    const refusal = ownerRefusal(this.authz, actor, row, resource, verb);
    if (refusal) throw refusal;
  }

  /**
   * Why the caller may not cancel, or rebase, the request now, or null: the owner rule and the open
   * state, as cancel() and rebase() check them; a rebase is offered only when the resource moved on
   * (rebasing an up-to-date request would only reset its reviews). For the read's `actions`.
   */
  async ownerActionRefusal(
    actor: Actor,
    row: ChangeRequestRow,
    at: Located,
    verb: 'cancel' | 'rebase',
  ): Promise<{ refusal: DomainError | null; reason?: string }> {
    const writer = this.access.writer(row.resourceKind);
    const resource = await writer.resourceRef(at.project, at.env, row.resourceKey);
    const refusal =
      ownerRefusal(this.authz, actor, row, resource, verb) ??
      (isOpen(row.status)
        ? null
        : new DomainError('change_request/not_open', `change request '${row.id}' is ${row.status}`));
    if (refusal || verb === 'cancel') return { refusal };
    const current = await writer.current(at.project, at.env, row.resourceKey);
    return current.version === row.baseVersion
      ? {
          refusal: null,
          reason: `the request is on the current version (${current.version}); there is nothing to rebase onto`,
        }
      : { refusal: null };
  }

  /** Whether the caller could review the request now and has not decided on its current content. */
  private async awaits(actor: Actor, row: ChangeRequestRow, at: Located): Promise<boolean> {
    const me = identityOf(actor);
    if (row.reviews.some((r) => r.reviewerId === me && r.contentHash === row.contentHash && r.decision !== 'comment'))
      return false;
    const settings = approvalSettingsOf(at.project, at.env);
    const teams =
      actor.memberId && settings.reviewerTeams.length
        ? ((await this.access.repo.teamsOf([actor.memberId])).get(actor.memberId) ?? [])
        : [];
    if (reviewerCounts(settings, row.requesterId, me, actorRef(actor), teams) !== null) return false;
    return this.authz.can(
      actor,
      'reviewChangeRequest',
      await this.access.resource(row.resourceKind, at, row.resourceKey),
    );
  }
}
