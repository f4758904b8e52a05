import { Injectable, Logger } from '@nestjs/common';
import { flagApprovalReasons } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { anyFlagResource, flagResource, formatResource } from '../../core/policy';
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
import type { Variation } from '../../core/model/flag-config';
import type { ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import type { StartPipelineReleaseDto } from './dto/pipelines.dto';
import { finalInstruction, initialAudiences } from './pipeline-model';
import { armPipeline } from './pipeline-jobs';
import type { PipelineRun } from './pipeline-records';
import { PipelinesRepository } from './pipelines.repository';
import { PipelinesService } from './pipelines.service';

export const runView = (r: PipelineRun) => ({
  id: r.id,
  pipelineKey: r.pipelineKey,
  flagKey: r.flagKey,
  variationId: r.variationId,
  createdBy: r.createdBy,
  status: r.status,
  currentPhase: r.currentPhase,
  audiences: r.audiences,
  history: r.history,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The run with the variation it releases named (value, and name when it has one). */
export function namedRunView(run: PipelineRun, variations: readonly Variation[]) {
  const v = variations.find((x) => x._id === run.variationId);
  return { ...runView(run), variation: v ? { value: v.value, ...(v.name ? { name: v.name } : {}) } : null };
}

/**
 * The run as a caller who may view only `visible` environments sees it (read access as narrow as
 * write access): audiences elsewhere are left out, and so are the parts of history notes about them
 * (the runner writes one `<environment key>: <status>` part per audience that moved).
 */
export function visibleRunView(run: PipelineRun, visible: ReadonlySet<string>, variations: readonly Variation[]) {
  const view = namedRunView(run, variations);
  const hidden = view.audiences.filter((a) => !visible.has(a.environmentKey)).map((a) => `${a.environmentKey}: `);
  const keep = (part: string) => !hidden.some((prefix) => part.startsWith(prefix));
  return {
    ...view,
    audiences: view.audiences.filter((a) => visible.has(a.environmentKey)),
    history: view.history.map((h) => ({ ...h, note: h.note.split('; ').filter(keep).join('; ') })),
  };
}

/**
 * Starting a flag through a pipeline (`PUT projects/{p}/flags/{f}/release`), reading where it is,
 * aborting it. Everything is checked up front for every audience: the variation and flag (as a
 * PATCH would), `manageReleases`, and for audiences without requireApproval in an environment whose
 * settings gate the change, break-glass by the starter (bypassRequiredApproval and a reason; one
 * retroactive review per such environment, see AutomationGate). The worker does the rest.
 */
@Injectable()
export class PipelineRunsService {
  private readonly logger = new Logger('pipelines');

  constructor(
    private readonly repo: PipelinesRepository,
    private readonly pipelines: PipelinesService,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly flagsRead: FlagsReadModel,
    private readonly gate: AutomationGate,
  ) {}

  async start(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    dto: StartPipelineReleaseDto,
    bypassHeader?: BreakGlass,
  ) {
    const project = await this.projects.require(actor, projectKey);
    const pipeline = await this.pipelines.require(project.id, dto.pipelineKey);
    const { phases } = pipeline;
    const unreviewed: AutomationTarget[] = [];
    for (const audience of phases.flatMap((p) => p.audiences)) {
      const env = this.projects.requireEnvironment(project, audience.environmentKey);
      const instructions = [finalInstruction(dto.variationId)];
      const dry = await this.flags.dryRun(actor, project, env, flagKey, instructions);
      const ref = flagResource(project, env, dry.before.flag);
      this.authz.assert(actor, 'manageReleases', ref);
      // An audience with requireApproval waits for its change request; the others run on the start alone.
      if (!audience.requireApproval)
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
    // Checked for every audience before anything is written. No change request can carry a run;
    // the reviewed route is marking the audience requireApproval (README "Release automation").
    const gated = this.gate.check(actor, unreviewed, null, breakGlassOf(dto.bypass, bypassHeader));
    const now = this.clock.now();
    const { run, opened } = await this.repo.transaction(async (tx) => {
      const created = await this.repo
        .createRun(tx, {
          projectId: project.id,
          pipelineId: pipeline.id,
          flagKey,
          variationId: dto.variationId,
          activeKey: `${project.id}:${flagKey}`,
          phases,
          audiences: initialAudiences(phases),
          createdBy: this.gate.creator(actor, gated),
          history: [
            {
              at: now.toISOString(),
              status: 'running',
              phase: 0,
              actor: actorRef(actor),
              note: `started through ${pipeline.key}`,
            },
          ],
        })
        .catch((err: unknown) => {
          if (isUniqueViolation(err))
            throw new DomainError('pipeline/already_running', `flag '${flagKey}' is already going through a pipeline`);
          throw err;
        });
      const bypasses = await this.gate.open(tx, actor, gated);
      await this.audit.record(tx, actor, {
        action: 'startPipelineRelease',
        resource: formatResource(anyFlagResource(project, flagKey)),
        after: { pipeline: pipeline.key, variationId: dto.variationId },
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
    if (!run) throw new DomainError('pipeline/no_run', `flag '${flagKey}' has not been released through a pipeline`);
    return this.viewFor(actor, project, run);
  }

  /**
   * Stops the run: no further audience starts. Releases already running go on (pause or roll them back
   * at their own endpoints); open change requests stay for people to close.
   */
  async abort(actor: Actor, projectKey: string, flagKey: string) {
    const project = await this.projects.require(actor, projectKey);
    const latest = await this.repo.latestRun(project.id, flagKey);
    if (!latest || latest.status !== 'running')
      throw new DomainError('pipeline/not_running', `flag '${flagKey}' has no running pipeline release`);
    this.authz.assert(actor, 'manageReleases', anyFlagResource(project, flagKey));
    const run = await this.repo.transaction(async (tx) => {
      const locked = await this.repo.findRun(latest.id, tx);
      if (!locked || locked.status !== 'running')
        throw new DomainError('pipeline/not_running', `flag '${flagKey}' has no running pipeline release`);
      const audiences = locked.audiences.map((a) =>
        a.status === 'pending' ? { ...a, status: 'aborted' as const } : a,
      );
      const next = await this.repo.updateRun(tx, locked.id, {
        status: 'aborted',
        activeKey: null,
        audiences,
        history: [
          ...locked.history,
          {
            at: this.clock.now().toISOString(),
            status: 'aborted',
            phase: locked.currentPhase,
            actor: actorRef(actor),
            note: 'aborted',
          },
        ],
      });
      await this.audit.record(tx, actor, {
        action: 'abortPipelineRelease',
        resource: formatResource(anyFlagResource(project, flagKey)),
        links: { pipelineRun: locked.id },
      });
      return next;
    });
    return this.viewFor(actor, project, run);
  }

  /** The run as the caller may see it, its variation named (one read of the flag per response). */
  private async viewFor(actor: Actor, project: ProjectContext, run: PipelineRun) {
    const def = await this.flagsRead.definition(project.key, run.flagKey);
    return visibleRunView(run, this.pipelines.visibleKeys(actor, project), def?.variations ?? []);
  }

  private arm(runId: string, at: Date): void {
    void armPipeline(this.queues, [runId], at, this.clock.now()).catch((e: Error) =>
      this.logger.warn(`pipeline run ${runId} not armed now (the worker's sweep will): ${e.message}`),
    );
  }
}
