import { Injectable } from '@nestjs/common';
import { DomainError, isError } from '../../core/errors';
import { anyFlagResource, formatResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import { QueuesService } from '../../infra/queues/queues.service';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, RunContext, RunOrigin } from '../automation/automation-definition';
import { AutomationRunner } from '../automation/automation-runner';
import { ChangeRequestAutomation } from '../approvals/change-request-automation';
import { ChangeRequestsService } from '../approvals/change-requests.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import { ReleasesService } from '../releases/releases.service';
import { finalInstruction, type Audience, type AudienceState } from './pipeline-model';
import { armPipeline, PIPELINE_TICK_MS } from './pipeline-jobs';
import type { PipelineRun } from './pipeline-records';
import { PipelinesRepository } from './pipelines.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { PreApproval } from '../write-path/pre-approval';

type Automation = ReturnType<typeof automationActor>;
const SWEEP_LIMIT = 10_000;

const creatorOf = (run: PipelineRun) => run.createdBy;

/** A look's outcome is the run's status after it (or before it, for a run that had already ended). */
type Look = { outcome: string };

/**
 * Advances pipeline runs for the worker, one look at a time: start the current phase's pending
 * audiences (an immediate write, a staged or guarded release, or a change request to wait for),
 * follow them, and move to the next phase when all of them completed; any failure stops the run.
 * A look is an AutomationRunner run holding the run's row lock (SKIP LOCKED: a second worker skips a
 * run being looked at, 'busy'); refusals fail the audience, within the look.
 */
@Injectable()
export class PipelineRunner {
  private readonly automation: AutomationDefinition<string, PipelineRun, Look, string>;

  constructor(
    private readonly repo: PipelinesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly releases: ReleasesService,
    private readonly requests: ChangeRequestsService,
    private readonly changeRequests: ChangeRequestAutomation,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly runner: AutomationRunner,
  ) {
    this.automation = {
      kind: 'pipeline_look',
      unlocked: 'busy',
      id: (id) => id,
      transaction: (fn) => this.repo.transaction(fn),
      lock: (tx, id) => this.repo.lockRun(tx, id),
      // A late alarm's look at a run that has ended still counts, as the run's status.
      isPending: () => true,
      resource: (run) => formatResource(anyFlagResource(run.projectKey, run.flagKey)),
      // On the creator's behalf, with their identity: a change request the run opens is theirs, so
      // they cannot approve it themselves (unless the environment allows self-review).
      actor: (run) => {
        const creator = creatorOf(run);
        return automationActor(`pipeline run ${run.id} by ${creator.name}`, {
          kind: 'system',
          id: creator.memberId ?? creator.id,
          ...(creator.memberId ? { memberId: creator.memberId } : {}),
        });
      },
      // Checked at run start: gated environments without requireApproval needed the starter's bypass.
      grant: (run, environmentKey) => ({
        ...(creatorOf(run).bypass ? { environmentKey } : {}),
        links: { pipelineRun: { id: run.id, pipeline: run.pipelineKey } },
      }),
      apply: (tx, run, look) => this.lookLocked(tx, run, look),
    };
  }

  /** Start-up sweep: every running run is due a look (see AutomationRunner.sweep). */
  sweep(): Promise<{ ran: number; alarms: number }> {
    return this.runner.sweep(this.automation, {
      list: () => this.repo.runningRuns(SWEEP_LIMIT),
      key: (r) => r.id,
      dueAt: () => null,
      alarm: () => Promise.resolve(),
    });
  }

  async advance(runId: string, origin?: RunOrigin): Promise<string> {
    const { outcome } = await this.runner.run(this.automation, runId, origin);
    if (outcome === 'running' || outcome === 'busy') {
      const now = this.clock.now();
      await armPipeline(this.queues, [runId], new Date(now.getTime() + PIPELINE_TICK_MS), now);
    }
    return outcome;
  }

  private async lookLocked(tx: Tx, run: PipelineRun, { actor, approve }: RunContext<string>): Promise<Look> {
    if (run.status !== 'running') return { outcome: run.status };
    const { phases } = run;
    const states = run.audiences.map((a) => ({ ...a }));
    const notes: string[] = [];
    const project = await this.projects.require(actor, run.projectKey, tx);
    for (const state of states.filter((a) => a.phase === run.currentPhase)) {
      const audience = phases[state.phase].audiences.find((a) => a.environmentKey === state.environmentKey)!;
      const before = state.status;
      try {
        await this.look(actor, run, project, audience, state, approve);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // A change freeze does not fail the phase: it waits (the run looks again every tick) until the freeze ends.
        if (isError(err, 'freeze/active')) {
          const note = `${state.environmentKey}: waiting for the change freeze to end (${err.message})`;
          if (run.history.at(-1)?.note !== note) notes.push(note);
          continue;
        }
        Object.assign(state, { status: 'failed', error: `${err.code}: ${err.message}` });
      }
      if (state.status !== before) notes.push(`${state.environmentKey}: ${state.status}`);
    }
    const current = states.filter((a) => a.phase === run.currentPhase);
    let status: string = run.status;
    let currentPhase = run.currentPhase;
    if (current.some((a) => a.status === 'failed')) status = 'failed';
    else if (current.every((a) => a.status === 'completed')) {
      if (currentPhase + 1 >= phases.length) status = 'completed';
      else currentPhase += 1;
    }
    if (currentPhase !== run.currentPhase)
      notes.push(`phase ${currentPhase + 1} (${phases[currentPhase].name}) starts`);
    const history = notes.length
      ? [...run.history, { at: this.clock.now().toISOString(), status, phase: currentPhase, note: notes.join('; ') }]
      : undefined;
    await this.repo.updateRun(tx, run.id, {
      status,
      currentPhase,
      audiences: states,
      ...(status !== 'running' ? { activeKey: null } : {}),
      ...(history ? { history } : {}),
    });
    return { outcome: status };
  }

  /** One audience, one step of its life: pending → (waiting_approval →) running | completed. */
  private async look(
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    audience: Audience,
    state: AudienceState,
    approve: (environmentKey: string) => PreApproval,
  ): Promise<void> {
    const creatorCouldBypass = creatorOf(run).bypass === true;
    const env = this.projects.requireEnvironment(project, audience.environmentKey);
    if (state.status === 'pending' && audience.requireApproval) {
      const cr = await this.requests
        .create(actor, 'flag', project.key, env.key, run.flagKey, {
          description: `pipeline ${run.pipelineKey}: release variation ${run.variationId} to ${env.key}`,
          instructions: [finalInstruction(run.variationId)],
        })
        .catch((err: unknown) => {
          if (isError(err, 'change_request/no_change')) return null;
          throw err;
        });
      if (!cr) Object.assign(state, { status: 'completed' });
      else Object.assign(state, { status: 'waiting_approval', changeRequestId: cr.id });
      return;
    }
    if (state.status === 'waiting_approval') {
      const cr = await this.requests.get(actor, state.changeRequestId!);
      if (cr.status === 'applied') return void Object.assign(state, { status: 'completed' });
      if (['declined', 'cancelled', 'failed'].includes(cr.status))
        return void Object.assign(state, { status: 'failed', error: `change request ${cr.id} ${cr.status}` });
      if (cr.status !== 'approved') return;
      if (audience.strategy.kind === 'immediate') {
        await this.changeRequests.applyAutomatically(cr.id, { project, env }, `pipeline run ${run.id}`);
        return void Object.assign(state, { status: 'completed' });
      }
      // The approval covers the release that gets there step by step; the request itself is closed.
      await this.startRelease(actor, run, audience, state, project, env, true);
      await this.requests.cancel(actor, cr.id);
      return;
    }
    if (state.status === 'pending') {
      if (audience.strategy.kind === 'immediate') {
        await this.repo.transaction((tx) =>
          this.flags.applyPreApproved(tx, actor, project, env, run.flagKey, {
            instructions: [finalInstruction(run.variationId)],
            comment: `pipeline ${run.pipelineKey}`,
            preApproved: approve(env.key),
          }),
        );
        return void Object.assign(state, { status: 'completed' });
      }
      await this.startRelease(actor, run, audience, state, project, env, creatorCouldBypass);
      return;
    }
    if (state.status === 'running') {
      const release = await this.releases.get(actor, project.key, run.flagKey, env.key, state.releaseId!);
      if (release.status === 'completed') Object.assign(state, { status: 'completed' });
      else if (release.status === 'rolled_back' || release.status === 'failed')
        Object.assign(state, { status: 'failed', error: `release ${release.id} ${release.status}` });
    }
  }

  private async startRelease(
    actor: Automation,
    run: PipelineRun,
    audience: Audience,
    state: AudienceState,
    project: ProjectContext,
    env: EnvironmentContext,
    preApproved: boolean,
  ) {
    const release = await this.releases
      .startIn(
        actor,
        project,
        env,
        run.flagKey,
        {
          toVariationId: run.variationId,
          stages: audience.strategy.stages ?? [],
          guard: audience.strategy.guard,
          comment: `pipeline ${run.pipelineKey}, run ${run.id}`,
        },
        preApproved,
      )
      .catch((err: unknown) => {
        // Already serving the variation: nothing to release there.
        if (isError(err, 'release/no_change')) return null;
        throw err;
      });
    Object.assign(state, release ? { status: 'running', releaseId: release.id } : { status: 'completed' });
  }
}
