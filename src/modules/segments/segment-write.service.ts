import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainError, notFound } from '../../core/errors';
import type { SegmentConfig } from '../../core/model/flag-config';
import { toSdkSegment } from '../../core/model/sdk-shape';
import { applySegmentInstructions, segmentInstructionActions } from '../../core/patch';
import { segmentApprovalReasons } from '../../core/approval';
import { approvalSettingsOf, enforceApprovalGate } from '../write-path/approval-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { assertPreApproval, PreApproval } from '../write-path/pre-approval';
import { formatResource, segmentResource } from '../../core/policy';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import { parseIfMatch } from '../../infra/http/if-match';
import { ProjectsService } from '../projects/projects.service';
import type { CreateSegmentDto, PatchSegmentDto } from './dto/segments.dto';
import { segmentView } from './models/segment.view';
import type { SegmentRecord } from './segment-records';
import { SegmentsRepository } from './segments.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { segmentChangeRequestPath } from './segment-paths';
import { BYPASS_LEDGER, bypassAuditLinks, type BypassLedger, type BypassNotice } from '../write-path/bypass-ledger';
import { GuardrailChecks, guardrailLinks, type GuardrailWarning } from '../guardrails/guardrail-checks';
import { FreezeGate } from '../freezes/freeze-gate';
import {
  patchContext,
  withWarnings,
  type ComputedSegmentWrite,
  type LockedSegmentState,
  type SegmentWrite,
  type SegmentWriteResult,
  type Step,
  type WrittenSegment,
} from './segment-write-records';
import { SegmentReferenceChecks } from './segment-reference-checks';

/** The segment twin of FlagWriteService: the one write path for segment targeting. */
@Injectable()
export class SegmentWriteService {
  constructor(
    private readonly repo: SegmentsRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxRepository,
    private readonly metrics: MetricsService,
    @Inject(BYPASS_LEDGER) private readonly ledger: BypassLedger,
    private readonly guardrails: GuardrailChecks,
    private readonly freezes: FreezeGate,
    private readonly references: SegmentReferenceChecks,
  ) {}

  async create(actor: Actor, projectKey: string, envKey: string, dto: CreateSegmentDto): Promise<WrittenSegment> {
    const { project, env } = await this.locate(actor, projectKey, envKey);
    const tags = [...new Set(dto.tags ?? [])].sort();
    this.authz.assert(actor, 'createSegment', segmentResource(project, env, { key: dto.key, tags }));
    return this.repo.transaction(async (tx) => {
      const existing = await this.repo.findForUpdate(tx, env.id, dto.key);
      if (existing && !existing.deleted)
        throw new DomainError('segment/already_exists', `segment '${dto.key}' already exists`);
      const config: SegmentConfig = {
        key: dto.key,
        name: dto.name,
        description: dto.description ?? '',
        tags,
        included: [...new Set(dto.included ?? [])],
        excluded: [...new Set(dto.excluded ?? [])],
        includedContexts: [],
        excludedContexts: [],
        rules: [],
        salt: randomBytes(16).toString('hex'),
        version: (existing?.version ?? 0) + 1,
        deleted: false,
      };
      const warnings = await this.guardrails.segmentChange(tx, project.id, env.key, null, config);
      const row = existing
        ? await this.repo.revive(tx, existing.id, config)
        : await this.repo.create(tx, env.id, config).catch(rethrowDuplicate('segment', dto.key));
      await this.commit(tx, actor, project, env, row.id, null, config, 'createSegment', '', guardrailLinks(warnings));
      return withWarnings(config, warnings);
    });
  }

  async patch(
    actor: Actor,
    projectKey: string,
    envKey: string,
    segmentKey: string,
    dto: PatchSegmentDto,
    ifMatch?: string,
    bypassHeader?: BreakGlass,
  ): Promise<WrittenSegment & { approvalBypassed?: BypassNotice[] }> {
    const expectedVersion = parseIfMatch(ifMatch);
    const { project, env } = await this.locate(actor, projectKey, envKey);
    // Validates the list's shape and kinds before any I/O on the segment.
    const steps = segmentInstructionActions(dto.instructions);
    const write = {
      instructions: dto.instructions,
      comment: dto.comment,
      expectedVersion,
      bypass: breakGlassOf(dto.bypass, bypassHeader),
    };
    const { segment, warnings, bypassed } = await this.repo.transaction((tx) =>
      this.writeInTx(tx, actor, project, env, segmentKey, write, steps),
    );
    this.ledger.announce(actor, bypassed);
    const written = withWarnings(segment, warnings);
    return bypassed.length ? { ...written, approvalBypassed: bypassed } : written;
  }

  /** The segment twin of FlagWriteService.applyPreApproved: in the caller's transaction, its environment not gated again. */
  applyPreApproved(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    segmentKey: string,
    write: SegmentWrite & { preApproved: PreApproval },
  ): Promise<SegmentWriteResult> {
    assertPreApproval(write.preApproved);
    return this.writeInTx(tx, actor, project, env, segmentKey, write, segmentInstructionActions(write.instructions));
  }

  /** applyPreApproved in three steps, as FlagWriteService.lock/compute/applyComputed: one read, one computation. */
  async lock(tx: Tx, env: EnvironmentContext, segmentKey: string): Promise<LockedSegmentState> {
    const row = await this.requireForUpdate(tx, env, segmentKey);
    return { row, before: segmentView(row), liveKeys: await this.liveKeys(tx, env) };
  }

  /** The instructions over a segment `lock` read; not authorized for anyone, so for pre-approved writes only. */
  compute(
    locked: LockedSegmentState,
    instructions: unknown[],
    steps = segmentInstructionActions(instructions),
  ): ComputedSegmentWrite {
    const { segment, changed } = applySegmentInstructions(locked.before, instructions, patchContext(locked.liveKeys));
    return { locked, steps, instructions, segment, changed };
  }

  applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    computed: ComputedSegmentWrite,
    write: { comment?: string; preApproved: PreApproval },
  ): Promise<SegmentWriteResult> {
    assertPreApproval(write.preApproved);
    return this.commitComputed(tx, actor, project, env, computed, write);
  }

  /** What the instructions would do, validated exactly as a write, without writing. */
  async dryRun(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    segmentKey: string,
    instructions: unknown[],
    authorize = true,
  ) {
    const steps = segmentInstructionActions(instructions);
    const row = await this.repo.find(env.id, segmentKey);
    if (!row || row.deleted) throw notFound('segment', segmentKey);
    const before = segmentView(row);
    if (authorize) for (const s of steps) this.authz.assert(actor, s.action, segmentResource(project, env, before));
    const ctx = patchContext(await this.liveKeys(undefined, env));
    const { segment } = applySegmentInstructions(before, instructions, ctx);
    return { segmentId: row.id, version: row.version, before, after: segment, steps };
  }

  /** The guardrails over a dry run (change-request creation and edits): 422 on a block rule, else the warnings. */
  checkGuardrails(
    project: ProjectContext,
    env: EnvironmentContext,
    before: SegmentConfig,
    after: SegmentConfig,
  ): Promise<GuardrailWarning[]> {
    return this.guardrails.segmentChange(undefined, project.id, env.key, before, after);
  }

  private async writeInTx(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    segmentKey: string,
    write: SegmentWrite,
    steps: Step[],
  ): Promise<SegmentWriteResult> {
    const locked = await this.lock(tx, env, segmentKey);
    if (!write.preApproved)
      for (const s of steps) this.authz.assert(actor, s.action, segmentResource(project, env, locked.before));
    if (write.expectedVersion !== undefined && write.expectedVersion !== locked.row.version) {
      throw new DomainError(
        'segment/version_mismatch',
        `If-Match ${write.expectedVersion} does not match the current version ${locked.row.version}`,
      );
    }
    return this.commitComputed(tx, actor, project, env, this.compute(locked, write.instructions, steps), write);
  }

  /** Gate, new version and its snapshot, outbox row and audit entry, for a computed change. */
  private async commitComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    { locked, steps, instructions, segment, changed }: ComputedSegmentWrite,
    write: Pick<SegmentWrite, 'comment' | 'preApproved' | 'bypass'>,
  ): Promise<SegmentWriteResult> {
    const { row, before } = locked;
    if (!changed) return { segment: before, version: row.version, bypassed: [], warnings: [] };
    // Not even pre-approved writes pass an active freeze; break-glass (a reason + bypassRequiredApproval) does.
    const freezeBypassed = await this.freezes.enforce(
      tx,
      actor,
      project,
      [env.key],
      () => segmentResource(project, env, before),
      write.bypass,
    );
    // Content rules first, for everyone: pre-approval and break-glass do not pass a block rule.
    const warnings = await this.guardrails.segmentChange(tx, project.id, env.key, before, segment);
    const bypasses = enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'segment',
      [
        {
          environmentKey: env.key,
          resource: segmentResource(project, env, before),
          reasons: segmentApprovalReasons(approvalSettingsOf(project, env), before, segment),
        },
      ],
      (k) => segmentChangeRequestPath(project.key, k, row.key),
      write.preApproved,
      write.bypass,
    );
    await this.references.refuseVanishedSegments(tx, env, before, segment);
    const after = { ...segment, version: row.version + 1 };
    await this.repo.update(tx, row.id, after);
    const bypassed = await Promise.all(
      bypasses.map((b) =>
        this.ledger.open(tx, actor, {
          kind: 'segment',
          project,
          environment: env,
          resourceKey: row.key,
          instructions,
          previousVersion: row.version,
          appliedVersion: after.version,
          reasons: b.reasons,
          bypassReason: b.bypassReason,
          approvalsRequired: approvalSettingsOf(project, env).minApprovals,
        }),
      ),
    );
    const actions = [...new Set(steps.map((s) => s.action))];
    const links = {
      ...bypassAuditLinks(bypasses, bypassed),
      ...guardrailLinks(warnings),
      ...(freezeBypassed ? { freezeBypassed } : {}),
      ...(write.preApproved?.links ?? {}),
    };
    await this.commit(
      tx,
      actor,
      project,
      env,
      row.id,
      before,
      after,
      actions.length === 1 ? actions[0] : 'updateSegment',
      write.comment ?? '',
      links,
    );
    return { segment: after, version: after.version, bypassed, warnings };
  }

  async remove(actor: Actor, projectKey: string, envKey: string, segmentKey: string): Promise<void> {
    const { project, env } = await this.locate(actor, projectKey, envKey);
    await this.repo.transaction(async (tx) => {
      const row = await this.requireForUpdate(tx, env, segmentKey);
      const before = segmentView(row);
      this.authz.assert(actor, 'deleteSegment', segmentResource(project, env, before));
      await this.references.refuseIfInUse(tx, env, segmentKey);
      const after = { ...before, deleted: true, version: row.version + 1 };
      await this.repo.update(tx, row.id, after);
      await this.commit(tx, actor, project, env, row.id, before, after, 'deleteSegment', '');
    });
  }

  /** Keys of the environment's live segments (read in `tx` when given). */
  async liveKeys(tx: Tx | undefined, env: EnvironmentContext): Promise<ReadonlySet<string>> {
    return new Set((await this.repo.liveKeys(tx, [env.id])).map((s) => s.key));
  }

  private async locate(actor: Actor, projectKey: string, envKey: string) {
    const project = await this.projects.require(actor, projectKey);
    return { project, env: this.projects.requireEnvironment(project, envKey) };
  }

  private async requireForUpdate(tx: Tx, env: EnvironmentContext, key: string): Promise<SegmentRecord> {
    const row = await this.repo.findForUpdate(tx, env.id, key);
    if (!row || row.deleted) throw notFound('segment', key);
    return row;
  }

  /** Version snapshot, outbox row and audit entry, in the caller's transaction. */
  private async commit(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    segmentId: string,
    before: SegmentConfig | null,
    after: SegmentConfig,
    action: string,
    comment: string,
    links?: Record<string, unknown>,
  ) {
    await this.repo.insertVersion(tx, {
      segmentId,
      version: after.version,
      config: after,
      actor: actorRef(actor),
      comment,
    });
    await this.outbox.enqueue(tx, {
      environmentId: env.id,
      kind: 'segment',
      key: after.key,
      version: after.version,
      payload: toSdkSegment(after),
      meta: { actor: { ...actorRef(actor) }, projectKey: project.key, environmentKey: env.key },
    });
    await this.audit.record(tx, actor, {
      action,
      resource: formatResource(segmentResource(project, env, after)),
      comment,
      before,
      after,
      previousVersion: before?.version ?? null,
      currentVersion: after.version,
      ...(links && Object.keys(links).length ? { links } : {}),
    });
    this.metrics.writes.inc({ kind: 'segment', outcome: 'committed' });
  }
}
