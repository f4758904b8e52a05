import { Injectable, Logger } from '@nestjs/common';
import { diffFlag, flagApprovalReasons } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { flagResource, formatResource } from '../../core/policy';
import { scheduleTiming, type ScheduleTiming } from '../../core/schedule/schedule-timing';
import { ClockService } from '../../infra/clock/clock.service';
import { QueuesService } from '../../infra/queues/queues.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { AutomationGate, withBypassNotices, type AutomationTarget } from '../write-path/automation-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { flagChangeRequestPath } from '../flags/flag-paths';
import { AuditService } from '../audit/audit.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import type {
  CreateScheduledChangeDto,
  ListOccurrencesQueryDto,
  ListScheduledChangesQueryDto,
  UpdateScheduledChangeDto,
} from './dto/scheduled-changes.dto';
import {
  occurrenceView,
  scheduledChangeView,
  type OccurrenceView,
  type ScheduledChangeView,
} from './models/scheduled-change.view';
import { scheduleAlarms } from './schedule-jobs';
import type { ScheduledChange } from './scheduled-change-records';
import { SchedulesRepository } from './schedules.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';

const OCCURRENCE_PAGE = 50;

/** A schedule's timing as its audit entries show it (cron and zone only on a recurring one). */
const timingOf = (t: ScheduleTiming) => ({
  executionDate: t.executionDate,
  ...(t.cron !== null ? { cron: t.cron, timeZone: t.timeZone } : {}),
});

const notFound = (id: string) =>
  new DomainError('scheduled_change/not_found', `scheduled change '${id}' was not found`);

/**
 * Scheduled changes: instructions validated now and again when due. In an environment whose
 * approval settings gate the change, scheduling is break-glass (bypassRequiredApproval and a reason,
 * a retroactive review opened; see AutomationGate), since the schedule applies it pre-approved when
 * due; the reviewed route is a change request with an execution date.
 */
@Injectable()
export class ScheduledChangesService {
  private readonly logger = new Logger('scheduled-changes');

  constructor(
    private readonly repo: SchedulesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly gate: AutomationGate,
  ) {}

  async create(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    dto: CreateScheduledChangeDto,
    bypassHeader?: BreakGlass,
  ) {
    const { project, env } = await this.locate(actor, projectKey, envKey);
    const timing = scheduleTiming(dto, this.clock.now());
    const { resource, target } = await this.validate(actor, project, env, flagKey, dto.instructions, timing.cron);
    const gated = this.gate.check(
      actor,
      [target],
      (t) => flagChangeRequestPath(project.key, flagKey, t.env.key),
      breakGlassOf(dto.bypass, bypassHeader),
    );
    const { row, opened } = await this.repo.transaction(async (tx) => {
      const created = await this.repo.create(tx, {
        environmentId: env.id,
        flagKey,
        instructions: dto.instructions,
        ...timing,
        comment: dto.comment ?? '',
        createdBy: this.gate.creator(actor, gated),
      });
      const bypasses = await this.gate.open(tx, actor, gated);
      await this.audit.record(tx, actor, {
        action: 'createScheduledChange',
        resource,
        comment: dto.comment,
        after: { id: created.id, instructions: dto.instructions, ...timingOf(timing) },
        links: { scheduledChange: created.id, ...bypasses.links },
      });
      return { row: created, opened: bypasses };
    });
    this.gate.announce(actor, opened);
    this.alarm(row);
    return withBypassNotices(scheduledChangeView(row), opened);
  }

  async list(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    q: ListScheduledChangesQueryDto,
  ): Promise<{ items: ScheduledChangeView[] }> {
    const { env } = await this.locate(actor, projectKey, envKey, true);
    return { items: (await this.repo.list(env.id, flagKey, q.status)).map(scheduledChangeView) };
  }

  async get(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    id: string,
  ): Promise<ScheduledChangeView> {
    const { env } = await this.locate(actor, projectKey, envKey, true);
    return scheduledChangeView(await this.require(env, flagKey, id));
  }

  async update(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    id: string,
    dto: UpdateScheduledChangeDto,
    bypassHeader?: BreakGlass,
  ) {
    const { project, env } = await this.locate(actor, projectKey, envKey);
    const current = await this.require(env, flagKey, id);
    const instructions = dto.instructions ?? current.instructions;
    const timing = scheduleTiming(dto, this.clock.now(), current);
    const { resource, target } = await this.validate(actor, project, env, flagKey, instructions, timing.cron);
    const bypass = target.reasons.length > 0;
    const crPath = (t: AutomationTarget) => flagChangeRequestPath(project.key, flagKey, t.env.key);
    // New instructions are new content to run past the approval: break-glass, as creating it. Moving
    // the date or the comment of the same content is not (its review, if any, stands).
    const gated =
      dto.instructions !== undefined
        ? this.gate.check(actor, [target], crPath, breakGlassOf(dto.bypass, bypassHeader))
        : { bypassed: [] };
    if (bypass && !this.authz.can(actor, 'bypassRequiredApproval', target.resource))
      throw new DomainError(
        'approval/required',
        `environment '${env.key}' requires approval for this change (${target.reasons.join('; ')}); ` +
          `open a change request with an executionDate instead: POST ${crPath(target)}`,
        target.reasons.map((reason) => ({ field: `environments.${env.key}`, reason })),
      );
    const { row, opened } = await this.repo.transaction(async (tx) => {
      const locked = await this.lockPending(tx, id);
      const bypasses = await this.gate.open(tx, actor, gated);
      const next = await this.repo.update(tx, id, {
        instructions,
        executionDate: timing.executionDate,
        cron: timing.cron,
        timeZone: timing.timeZone,
        comment: dto.comment ?? locked.comment,
        // The schedule now runs this content under the edit's break-glass (also when made before its environment was gated).
        ...(gated.bypassed.length
          ? { createdBy: { ...locked.createdBy, bypass: true, bypassReason: gated.bypassed[0].bypass.bypassReason } }
          : {}),
      });
      await this.audit.record(tx, actor, {
        action: 'updateScheduledChange',
        resource,
        comment: dto.comment,
        before: { instructions: locked.instructions, ...timingOf(locked) },
        after: { instructions, ...timingOf(timing), bypass },
        links: { scheduledChange: id, ...bypasses.links },
      });
      return { row: next, opened: bypasses };
    });
    this.gate.announce(actor, opened);
    this.alarm(row);
    return withBypassNotices(scheduledChangeView(row), opened);
  }

  async remove(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<void> {
    const { project, env } = await this.locate(actor, projectKey, envKey);
    await this.require(env, flagKey, id);
    // Without the flag's tags: a policy scoped to tagged flags does not reach here, which errs on refusing.
    const ref = flagResource(project, env, { key: flagKey, tags: [] });
    this.authz.assert(actor, 'createScheduledChange', ref);
    const resource = formatResource(ref);
    await this.repo.transaction(async (tx) => {
      const locked = await this.lockPending(tx, id);
      await this.repo.remove(tx, id);
      await this.audit.record(tx, actor, {
        action: 'deleteScheduledChange',
        resource,
        before: { instructions: locked.instructions, ...timingOf(locked) },
        links: { scheduledChange: id },
      });
    });
  }

  /** A recurring schedule's occurrences, newest first: what each did (applied, unchanged, failed, skipped by a freeze, missed). */
  async occurrences(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    id: string,
    q: ListOccurrencesQueryDto,
  ): Promise<{ items: OccurrenceView[] }> {
    const { env } = await this.locate(actor, projectKey, envKey, true);
    await this.require(env, flagKey, id);
    const before = q.before !== undefined ? new Date(q.before) : undefined;
    return { items: (await this.repo.occurrences(id, q.limit ?? OCCURRENCE_PAGE, before)).map(occurrenceView) };
  }

  /** Same validation as a PATCH (and the caller's rights for each change); the target the approval gate judges. */
  private async validate(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    flagKey: string,
    instructions: unknown[],
    cron: string | null,
  ): Promise<{ resource: string; target: AutomationTarget }> {
    const dry = await this.flags.dryRun(actor, project, env, flagKey, instructions);
    const ref = flagResource(project, env, dry.before.flag);
    this.authz.assert(actor, 'createScheduledChange', ref);
    // A recurring change may match the configuration today (turning on a flag that is on until 18:00).
    if (cron === null && !diffFlag(dry.before, dry.after).length)
      throw new DomainError(
        'scheduled_change/no_change',
        'the instructions change nothing in the current configuration',
      );
    const reasons = flagApprovalReasons(approvalSettingsOf(project, env), dry.before, dry.after);
    return {
      resource: formatResource(ref),
      target: { project, env, flagKey, resource: ref, reasons, instructions, version: dry.version },
    };
  }

  /** `read`: the caller must also be able to view the environment (writes are checked by their actions). */
  private async locate(actor: Actor, projectKey: string, envKey: string, read = false) {
    const project = await this.projects.require(actor, projectKey);
    const env = read
      ? this.projects.requireVisibleEnvironment(actor, project, envKey)
      : this.projects.requireEnvironment(project, envKey);
    return { project, env };
  }

  /** The schedule, if it is this flag's in this environment (404 otherwise, as for a missing one). */
  private async require(env: EnvironmentContext, flagKey: string, id: string): Promise<ScheduledChange> {
    const row = await this.repo.find(id);
    if (!row || row.flagKey !== flagKey || row.environmentId !== env.id) throw notFound(id);
    return row;
  }

  private async lockPending(tx: Tx, id: string): Promise<ScheduledChange> {
    const locked = await this.repo.findForUpdate(tx, id);
    if (!locked) throw notFound(id);
    if (locked.status !== 'pending')
      throw new DomainError('scheduled_change/not_pending', `scheduled change '${id}' is ${locked.status}`);
    return locked;
  }

  private alarm(row: ScheduledChange): void {
    void scheduleAlarms(this.queues, [row], this.clock.now()).catch((e: Error) =>
      this.logger.warn(
        `scheduled change ${row.id} has no alarm yet (the worker's start-up sweep sets it): ${e.message}`,
      ),
    );
  }
}
