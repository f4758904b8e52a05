import { Inject, Injectable, Logger } from '@nestjs/common';
import { flagApprovalReasons } from '../../core/approval';
import { DomainError, isError, type FieldError } from '../../core/errors';
import { anyFlagResource, flagResource, formatResource } from '../../core/policy';
import { audienceRefusal, currentPhaseOf, initialPhaseStates, resumedStates } from '../../core/release';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { ClockService } from '../../infra/clock/clock.service';
import { isUniqueViolation } from '../../infra/prisma/prisma-errors';
import { QueuesService } from '../../infra/queues/queues.service';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { AutomationGate, withBypassNotices, type AutomationTarget } from '../write-path/automation-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { AuditService } from '../audit/audit.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { FlagsReadModel } from '../flags/flags.read-model';
import type { ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import type { StartPipelineReleaseDto } from './dto/pipelines.dto';
import { finalInstruction } from './pipeline-model';
import { armPipeline } from './pipeline-jobs';
import type { PipelineRun } from './pipeline-records';
import { PipelineRunner, type RunEvent } from './pipeline-runner.service';
import { PipelinesRepository } from './pipelines.repository';
import { ReleasePlansService } from './release-plans.service';
import { visibleRunView } from './run-view';

/**
 * Starting a flag through a release plan (`PUT projects/{p}/flags/{f}/release`), reading where it
 * is, starting a manual phase, resuming a paused run, aborting it. Everything is checked up front for
 * every phase: the variation and flag (as a PATCH would), `manageReleases`, that the phase's audience
 * would see the change (flag on, no rule catching everyone, not already served), and for phases
 * without requireApproval in an environment whose settings gate the change, break-glass by the
 * starter (see AutomationGate). The worker does the rest.
 */
@Injectable()
export class PipelineRunsService {
  private readonly logger = new Logger('release-plans');

  constructor(
    private readonly repo: PipelinesRepository,
    private readonly plans: ReleasePlansService,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly flagsRead: FlagsReadModel,
    private readonly gate: AutomationGate,
    private readonly runner: PipelineRunner,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  async start(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    dto: StartPipelineReleaseDto,
    bypassHeader?: BreakGlass,
  ) {
    const project = await this.projects.require(actor, projectKey);
    if (dto.planKey && dto.pipelineKey && dto.planKey !== dto.pipelineKey)
      throw new DomainError('release_plan/invalid', 'planKey and pipelineKey name different plans', [
        { field: 'pipelineKey', reason: 'the former name of planKey: give one of them' },
      ]);
    const resolved = await this.plans
      .resolve(project, flagKey, dto.planKey ?? dto.pipelineKey)
      .catch((err: unknown) => {
        // Named by its former name, a missing plan keeps the former code (a code is never renamed).
        if (!dto.planKey && dto.pipelineKey && isError(err, 'release_plan/not_found'))
          throw new DomainError('pipeline/not_found', `release pipeline '${dto.pipelineKey}' was not found`);
        throw err;
      });
    const { plan } = resolved;
    const { phases } = plan;
    // A flag already going through a plan says so whatever its phases have done by now: once the
    // first phase has applied, the audience checks below would refuse first, depending on timing.
    // (Two starts at once: the run's unique activeKey still lets one through.)
    if ((await this.repo.activeRuns(project.id, [flagKey])).length) throw alreadyRunning(flagKey);
    const unreviewed: AutomationTarget[] = [];
    const refusals: FieldError[] = [];
    for (const [i, phase] of phases.entries()) {
      const env = this.projects.requireEnvironment(project, phase.environmentKey);
      const final = finalInstruction(dto.variationId);
      const probe = await this.flags.dryRun(actor, project, env, flagKey, [final]);
      const turnOn = phase.turnFlagOn && !probe.before.environment.on;
      const instructions = turnOn ? [{ kind: 'turnFlagOn' }, final] : [final];
      const dry = turnOn ? await this.flags.dryRun(actor, project, env, flagKey, instructions) : probe;
      const ref = flagResource(project, env, dry.before.flag);
      this.authz.assert(actor, 'manageReleases', ref);
      const refusal = audienceRefusal(
        dry.before.flag,
        dry.before.environment,
        dto.variationId,
        env.key,
        phase.turnFlagOn,
      );
      if (refusal)
        refusals.push({ index: i, field: `phases[${i}] (${env.key})`, reason: `${refusal.kind}: ${refusal.reason}` });
      // A phase with requireApproval waits for its change request; the others run on the start alone.
      if (!phase.requireApproval)
        unreviewed.push({
          project,
          env,
          flagKey,
          resource: ref,
          reasons: flagApprovalReasons(approvalSettingsOf(project, env), dry.before, dry.after),
          instructions,
          version: dry.version,
        });
    }
    // Users would not see it: refused before anything is written, every environment named.
    if (refusals.length)
      throw new DomainError(
        'release_plan/audience_unaffected',
        `release plan '${plan.key}' would not change what users see: ${refusals.map((r) => `${r.field}: ${r.reason}`).join('; ')}`,
        refusals,
      );
    const gated = this.gate.check(actor, unreviewed, null, breakGlassOf(dto.bypass, bypassHeader));
    const now = this.clock.now();
    const why =
      resolved.source === 'tag'
        ? `the default for tag '${resolved.tag}'`
        : resolved.source === 'project'
          ? 'the project default'
          : 'named';
    const { run, opened } = await this.repo.transaction(async (tx) => {
      const created = await this.repo
        .createRun(tx, {
          projectId: project.id,
          pipelineId: plan.id,
          planVersion: plan.version,
          expireAfterMs: plan.expireAfterMs ?? this.config.releasePlanExpireMs,
          flagKey,
          variationId: dto.variationId,
          activeKey: `${project.id}:${flagKey}`,
          phases,
          audiences: initialPhaseStates(phases),
          createdBy: this.gate.creator(actor, gated),
          history: [
            {
              at: now.toISOString(),
              status: 'running',
              phase: 0,
              actor: actorRef(actor),
              note: `started through ${plan.key} v${plan.version} (${why})`,
            },
          ],
        })
        .catch((err: unknown) => {
          if (isUniqueViolation(err)) throw alreadyRunning(flagKey);
          throw err;
        });
      const bypasses = await this.gate.open(tx, actor, gated);
      await this.audit.record(tx, actor, {
        action: 'startPipelineRelease',
        resource: formatResource(anyFlagResource(project, flagKey)),
        after: {
          pipeline: plan.key,
          plan: plan.key,
          planVersion: plan.version,
          source: resolved.source,
          variationId: dto.variationId,
        },
        links: { pipelineRun: created.id, ...bypasses.links },
      });
      return { run: created, opened: bypasses };
    });
    this.gate.announce(actor, opened);
    this.arm(run.id, now);
    return withBypassNotices(await this.viewFor(actor, project, run), opened);
  }

  async status(actor: Actor, projectKey: string, flagKey: string) {
    const project = await this.projects.require(actor, projectKey);
    const run = await this.repo.latestRun(project.id, flagKey);
    if (!run) throw new DomainError('pipeline/no_run', `flag '${flagKey}' has not been released through a plan`);
    return this.viewFor(actor, project, run);
  }

  /** A pending phase with a manual trigger starts on the worker's next look. */
  async startPhase(actor: Actor, projectKey: string, flagKey: string, phaseParam: string) {
    const project = await this.projects.require(actor, projectKey);
    const n = Number(phaseParam);
    return this.changeActive(actor, project, flagKey, ['running', 'paused'], 'startReleasePlanPhase', (run) => {
      if (!Number.isInteger(n) || n < 0 || n >= run.phases.length)
        throw new DomainError(
          'release_plan/no_such_phase',
          `the run has phases 0 to ${run.phases.length - 1}, not '${phaseParam}'`,
        );
      const state = run.audiences[n];
      if (run.phases[n].trigger.kind !== 'manual' || state.status !== 'pending' || state.triggeredAt)
        throw new DomainError(
          'release_plan/phase_not_waiting',
          `phase ${n} (${state.environmentKey}) has trigger '${run.phases[n].trigger.kind}' ` +
            `and is ${state.triggeredAt ? 'already triggered' : state.status}`,
        );
      const audiences = run.audiences.map((s, i) =>
        i === n
          ? {
              ...s,
              triggeredAt: this.clock.now().toISOString(),
              triggeredBy: `manual start by ${actorRef(actor).name ?? actorRef(actor).id}`,
            }
          : s,
      );
      return { audiences, note: `phase ${n} (${state.environmentKey}) started by hand`, envKey: state.environmentKey };
    });
  }

  /** A paused run goes on: rolled-back phases are retried, phases not started wait for their triggers again. */
  async resume(actor: Actor, projectKey: string, flagKey: string) {
    const project = await this.projects.require(actor, projectKey);
    return this.changeActive(actor, project, flagKey, ['paused'], 'resumeReleasePlan', (run) => ({
      status: 'running',
      audiences: resumedStates(run.audiences),
      note: 'resumed',
      event: 'release_plan.resumed' as const,
    }));
  }

  /**
   * Stops the run: no further phase starts. Releases already running go on (pause or roll them back
   * at their own endpoints); open change requests stay for people to close.
   */
  async abort(actor: Actor, projectKey: string, flagKey: string) {
    const project = await this.projects.require(actor, projectKey);
    return this.changeActive(actor, project, flagKey, ['running', 'paused'], 'abortPipelineRelease', (run) => ({
      status: 'aborted',
      audiences: run.audiences.map((a) => (a.status === 'pending' ? { ...a, status: 'aborted' as const } : a)),
      note: 'aborted',
    }));
  }

  /** One change to the flag's latest run, if its status allows it, under its row lock, audited. */
  private async changeActive(
    actor: Actor,
    project: ProjectContext,
    flagKey: string,
    allowed: string[],
    action: string,
    change: (run: PipelineRun) => {
      status?: string;
      audiences: PipelineRun['audiences'];
      note: string;
      envKey?: string;
      event?: 'release_plan.resumed';
    },
  ) {
    const refuse = (): never => {
      if (allowed.length === 1 && allowed[0] === 'paused')
        throw new DomainError('release_plan/not_paused', `flag '${flagKey}' has no paused release plan run`);
      throw new DomainError('pipeline/not_running', `flag '${flagKey}' has no running release plan run`);
    };
    const latest = await this.repo.latestRun(project.id, flagKey);
    if (!latest || !allowed.includes(latest.status)) refuse();
    this.authz.assert(actor, 'manageReleases', anyFlagResource(project, flagKey));
    let events: RunEvent[] = [];
    let deliveries: string[] = [];
    const run = await this.repo.transaction(async (tx) => {
      const locked = await this.repo.lockRunWait(tx, latest!.id);
      if (!locked || !allowed.includes(locked.status)) return refuse();
      const c = change(locked);
      const status = c.status ?? locked.status;
      const now = this.clock.now();
      const next = await this.repo.updateRun(tx, locked.id, {
        status,
        audiences: c.audiences,
        currentPhase: currentPhaseOf(c.audiences),
        lastProgressAt: now,
        ...(status === 'aborted' ? { activeKey: null } : {}),
        history: [
          ...locked.history,
          { at: now.toISOString(), status, phase: locked.currentPhase, actor: actorRef(actor), note: c.note },
        ],
      });
      await this.audit.record(tx, actor, {
        action,
        resource: formatResource(anyFlagResource(project, flagKey)),
        comment: c.note,
        links: { pipelineRun: locked.id },
      });
      events = c.event ? [{ event: c.event, detail: {} }] : [];
      deliveries = await this.runner.recordEvents(tx, next, events);
      return next;
    });
    this.runner.announce(run, events, deliveries);
    if (run.status === 'running') this.arm(run.id, this.clock.now());
    return this.viewFor(actor, project, run);
  }

  /** The run as the caller may see it, its variation named (one read of the flag per response). */
  private async viewFor(actor: Actor, project: ProjectContext, run: PipelineRun) {
    const def = await this.flagsRead.definition(project.key, run.flagKey);
    return visibleRunView(run, this.plans.visibleKeys(actor, project), def?.variations ?? []);
  }

  private arm(runId: string, at: Date): void {
    void armPipeline(this.queues, [runId], at, this.clock.now()).catch((e: Error) =>
      this.logger.warn(`release plan run ${runId} not armed now (the worker's sweep will): ${e.message}`),
    );
  }
}

const alreadyRunning = (flagKey: string) =>
  new DomainError('pipeline/already_running', `flag '${flagKey}' is already going through a release plan`);
