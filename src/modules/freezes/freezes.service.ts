import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { scheduleErrors, type FreezeSchedule } from '../../core/freeze';
import { environmentResource, formatResource, scopedToVisible } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import { approvalSettingsOf, enforceApprovalGate } from '../write-path/approval-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import type { CreateFreezeDto } from './dto/freezes.dto';
import { FreezeEvents } from './freeze-events';
import type { FreezeRecord } from './freeze-records';
import { FreezesRepository } from './freezes.repository';
import { freezeView, type FreezeView } from './models/freeze.view';

/**
 * Change-freeze windows of a project (core/freeze has the time math; FreezeGate enforces them in
 * the write path). Creating or removing one needs `manageFreezes` on every environment it covers,
 * and in an environment where approval is required it is itself governed: refused with
 * `approval/required` unless the actor may bypass there and gives a break-glass reason.
 */
@Injectable()
export class FreezesService {
  constructor(
    private readonly repo: FreezesRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly clock: ClockService,
    private readonly events: FreezeEvents,
  ) {}

  async list(actor: Actor, projectKey: string): Promise<{ items: FreezeView[] }> {
    const project = await this.projects.require(actor, projectKey);
    const now = this.clock.now();
    const visible = this.projects.visibleEnvironmentKeys(actor, project);
    const items = (await this.repo.list(project.id)).map((f) =>
      scopedToVisible(freezeView(project.key, f, now), visible),
    );
    return { items: items.filter((f) => f !== undefined) };
  }

  async get(actor: Actor, projectKey: string, id: string): Promise<FreezeView> {
    const project = await this.projects.require(actor, projectKey);
    const f = await this.repo.find(project.id, id);
    const view =
      f &&
      scopedToVisible(
        freezeView(project.key, f, this.clock.now()),
        this.projects.visibleEnvironmentKeys(actor, project),
      );
    if (!view) throw notFound('freeze', id);
    return view;
  }

  async create(actor: Actor, projectKey: string, dto: CreateFreezeDto, bypassHeader?: BreakGlass): Promise<FreezeView> {
    const project = await this.projects.require(actor, projectKey);
    const environmentKeys = dto.environmentKeys ? [...new Set(dto.environmentKeys)] : null;
    const schedule = this.schedule(dto);
    const unknown = (environmentKeys ?? []).filter((k) => !project.environments.some((e) => e.key === k));
    if (unknown.length)
      throw new DomainError(
        'freeze/invalid_window',
        `project '${project.key}' has no environment ${unknown.map((k) => `'${k}'`).join(', ')}`,
        unknown.map((k) => ({ field: 'environmentKeys', reason: `unknown environment '${k}'` })),
      );
    const covered = this.covered(project, environmentKeys);
    const bypasses = this.govern(actor, project, covered, breakGlassOf(dto.bypass, bypassHeader));
    const created = await this.repo.transaction(async (tx) => {
      const f = await this.repo.create(tx, {
        projectId: project.id,
        name: dto.name,
        reason: dto.reason ?? null,
        environmentKeys,
        schedule,
        createdBy: actorRef(actor),
      });
      await this.record(tx, actor, project, 'createFreeze', f, covered, bypasses, {
        after: freezeView(project.key, f, this.clock.now()),
      });
      return f;
    });
    return freezeView(project.key, created, this.clock.now());
  }

  async remove(actor: Actor, projectKey: string, id: string, bypass?: BreakGlass): Promise<void> {
    const project = await this.projects.require(actor, projectKey);
    const existing = await this.repo.find(project.id, id);
    if (!existing) throw notFound('freeze', id);
    const covered = this.covered(project, existing.environmentKeys);
    const bypasses = this.govern(actor, project, covered, bypass);
    const removed = await this.repo.transaction(async (tx) => {
      const f = await this.repo.delete(tx, project.id, id);
      if (!f) throw notFound('freeze', id);
      await this.record(tx, actor, project, 'deleteFreeze', f, covered, bypasses, {
        before: freezeView(project.key, f, this.clock.now()),
      });
      return f;
    });
    // What waits for this window to end (paused releases) looks again now.
    await this.events.removed(project.id, removed);
  }

  /** The schedule of the request, or 400 `freeze/invalid_window` naming each problem. */
  private schedule(dto: CreateFreezeDto): FreezeSchedule {
    const from = dto.from !== undefined ? new Date(dto.from) : undefined;
    const to = dto.to !== undefined ? new Date(dto.to) : undefined;
    const input = { from, to, cron: dto.cron, durationMinutes: dto.durationMinutes, timeZone: dto.timeZone };
    const errors = scheduleErrors(input);
    if (errors.length)
      throw new DomainError(
        'freeze/invalid_window',
        `invalid freeze window: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
        errors,
      );
    return from && to
      ? { kind: 'once', from, to }
      : { kind: 'recurring', cron: dto.cron!.trim(), durationMinutes: dto.durationMinutes!, timeZone: dto.timeZone! };
  }

  /** The environments a window covers today (all of them when it names none). */
  private covered(project: ProjectContext, keys: readonly string[] | null): EnvironmentContext[] {
    return keys === null ? project.environments : project.environments.filter((e) => keys.includes(e.key));
  }

  /** manageFreezes on each covered environment, then the approval gate of the gated ones. */
  private govern(actor: Actor, project: ProjectContext, covered: EnvironmentContext[], breakGlass?: BreakGlass) {
    for (const e of covered) this.authz.assert(actor, 'manageFreezes', environmentResource(project, e));
    return enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'freeze',
      covered.map((e) => ({
        environmentKey: e.key,
        resource: environmentResource(project, e),
        reasons: approvalSettingsOf(project, e).required
          ? [`freeze windows of '${e.key}' are governed: changes there require approval`]
          : [],
      })),
      null, // no change-request kind carries freezes yet: break-glass only (README "Change freezes")
      undefined,
      breakGlass,
    );
  }

  private record(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    action: 'createFreeze' | 'deleteFreeze',
    f: FreezeRecord,
    covered: EnvironmentContext[],
    bypasses: ReturnType<typeof enforceApprovalGate>,
    state: { before?: FreezeView; after?: FreezeView },
  ) {
    const envKey = f.environmentKeys?.length === 1 ? f.environmentKeys[0] : '*';
    const critical = covered.some((e) => e.critical);
    return this.audit.record(tx, actor, {
      action,
      resource: formatResource(environmentResource(project, { key: envKey, critical, tags: [] })),
      comment: f.reason ?? undefined,
      ...state,
      links: {
        freeze: { id: f.id, name: f.name },
        environments: covered.map((e) => e.key),
        ...(bypasses.length ? { approvalBypassed: bypasses } : {}),
      },
    });
  }
}
