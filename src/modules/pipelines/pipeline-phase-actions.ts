import { Injectable, Logger } from '@nestjs/common';
import { isError } from '../../core/errors';
import {
  afterAudience,
  audienceRefusal,
  soakOver,
  type PhaseOrigin,
  type PhaseState,
  type PlanPhase,
} from '../../core/release';
import { automationActor } from '../accounts/system-actor';
import { ChangeRequestAutomation } from '../approvals/change-request-automation';
import { ChangeRequestsService } from '../approvals/change-requests.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import { ReleasesService } from '../releases/releases.service';
import { finalInstruction } from './pipeline-model';
import type { PipelineRun } from './pipeline-records';
import { PipelinesRepository } from './pipelines.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { PreApproval } from '../write-path/pre-approval';
import type { Tx } from '../../infra/prisma/tx';

export type Automation = ReturnType<typeof automationActor>;
/** Which environment a write is for, and whether that phase's change request was approved. */
export type Scope = { environmentKey: string; approved?: boolean };
export type Approve = (scope: Scope) => PreApproval;

export const creatorOf = (run: PipelineRun) => run.createdBy;

/**
 * What a release plan phase does, for PipelineRunner: check that its audience would see the change,
 * start it (a change request, an immediate write, or a release), and follow it one step at a time.
 * These are the writes through flags, releases and change requests; the runner decides when.
 *
 * The checks and an immediate phase's write run in the look's transaction (`tx`), the write in a
 * savepoint: it commits with the phase's new state or not at all, a refusal undoes only the write
 * (the runner fails the phase), and a look needs no second connection while it holds its run's
 * lock. Change requests and releases still open transactions of their own, apart from the look's
 * (PipelinesRepository.apart; PipelineRunner limits how many looks run at once, so those cannot
 * starve the pool).
 *
 * So what a look opens can outlive the look: a change request or release committed, then the look
 * failed (its transaction, its process) and the run never recorded it. Each carries its phase as
 * `origin`, and the phase's next look adopts it rather than opening a second request or failing
 * on the release already running (`release/already_active`): an open request of the phase, an
 * active release of the phase, or, when the phase's request was cancelled, the release started
 * after it (the look that starts a release for an approved request cancels the request next).
 */
@Injectable()
export class PipelinePhaseActions {
  private readonly logger = new Logger('release-plans');

  constructor(
    private readonly repo: PipelinesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly releases: ReleasesService,
    private readonly requests: ChangeRequestsService,
    private readonly changeRequests: ChangeRequestAutomation,
  ) {}

  /** The audience check again, on the flag as it is now (README "Release plans" → refusal). */
  async wouldNotSee(
    tx: Tx,
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    phase: PlanPhase,
  ): Promise<string | null> {
    const dry = await this.dryRun(tx, actor, run, project, env);
    const refusal = audienceRefusal(
      dry.before.flag,
      dry.before.environment,
      run.variationId,
      env.key,
      phase.turnFlagOn,
    );
    // Already serving it is not worth a pause once the run is under way: the phase has nothing to do.
    return refusal && refusal.kind !== 'already_served' ? `${refusal.kind}: ${refusal.reason}` : null;
  }

  /** Whether the phase must turn the flag on first (it says so, and the flag is off there now). */
  private async mustTurnOn(
    tx: Tx | undefined,
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    phase: PlanPhase,
  ) {
    if (!phase.turnFlagOn) return false;
    return !(await this.dryRun(tx, actor, run, project, env)).before.environment.on;
  }

  /** The run's final instruction over the flag as it is now (unauthorized: the run's grant covers it). */
  private dryRun(
    tx: Tx | undefined,
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
  ) {
    return this.flags.dryRun(actor, project, env, run.flagKey, [finalInstruction(run.variationId)], false, tx);
  }

  /** A phase's first step: a change request to wait for, an immediate write, or a release. */
  async start(
    tx: Tx,
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    phase: PlanPhase,
    state: PhaseState,
    approve: Approve,
    now: Date,
  ): Promise<void> {
    const turnOn = await this.mustTurnOn(tx, actor, run, project, env, phase);
    const instructions = [...(turnOn ? [{ kind: 'turnFlagOn' }] : []), finalInstruction(run.variationId)];
    if (phase.requireApproval) {
      const origin = originOf(run, state);
      const cr = await this.repo
        .apart(
          async () =>
            (await this.adopted(run, state, 'change request', this.requests.openFromPhase(env, run.flagKey, origin))) ??
            this.requests.create(
              actor,
              'flag',
              project.key,
              env.key,
              run.flagKey,
              {
                description: `release plan ${run.pipelineKey}: release variation ${run.variationId} to ${env.key}`,
                instructions,
              },
              origin,
            ),
        )
        .catch((err: unknown) => {
          if (isError(err, 'change_request/no_change')) return null;
          throw err;
        });
      if (!cr) Object.assign(state, afterAudience(phase, now));
      else Object.assign(state, { status: 'waiting_approval', changeRequestId: cr.id });
      return;
    }
    if (phase.strategy.kind === 'immediate') {
      await this.repo.savepoint(tx, (inLook) =>
        this.flags.applyPreApproved(inLook, actor, project, env, run.flagKey, {
          instructions,
          comment: `release plan ${run.pipelineKey}, run ${run.id}`,
          preApproved: approve({ environmentKey: env.key }),
        }),
      );
      return void Object.assign(state, afterAudience(phase, now));
    }
    await this.repo.apart(async () => {
      if (turnOn) await this.turnOn(actor, run, project, env, approve({ environmentKey: env.key }));
      await this.startRelease(actor, run, phase, state, project, env, creatorOf(run).bypass === true, now);
    });
  }

  /**
   * A phase under way, one step: approval → release or write; release → soak; soak → completed.
   * Apart from the look's transaction (its reads and writes take their own connections).
   */
  follow(
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    phase: PlanPhase,
    state: PhaseState,
    approve: Approve,
    now: Date,
  ): Promise<void> {
    return this.repo.apart(async () => {
      const env = this.projects.requireEnvironment(project, phase.environmentKey);
      if (state.status === 'soaking') {
        if (soakOver(state, now)) Object.assign(state, { status: 'completed', soakUntil: undefined });
        return;
      }
      if (state.status === 'waiting_approval') {
        const cr = await this.requests.get(actor, state.changeRequestId!);
        if (cr.status === 'applied') return void Object.assign(state, afterAudience(phase, now));
        // Closed by the look that started its release, which then failed to commit: that release is the phase's.
        if (cr.status === 'cancelled') {
          const release = await this.releases.fromPhase(env, run.flagKey, originOf(run, state));
          if (release && Date.parse(release.createdAt) >= Date.parse(cr.createdAt)) {
            this.logAdopted(run, state, 'release', release.id);
            return void Object.assign(state, { status: 'running', releaseId: release.id });
          }
        }
        if (['declined', 'cancelled', 'failed'].includes(cr.status))
          return void Object.assign(state, { status: 'failed', error: `change request ${cr.id} ${cr.status}` });
        if (cr.status !== 'approved') return;
        if (phase.strategy.kind === 'immediate') {
          await this.changeRequests.applyAutomatically(cr.id, { project, env }, `release plan run ${run.id}`);
          return void Object.assign(state, afterAudience(phase, now));
        }
        // The approval covers the release that gets there step by step (and turning the flag on, which
        // the request carried); the request itself is closed.
        if (await this.mustTurnOn(undefined, actor, run, project, env, phase))
          await this.turnOn(actor, run, project, env, approve({ environmentKey: env.key, approved: true }));
        await this.startRelease(actor, run, phase, state, project, env, true, now);
        await this.requests.cancel(actor, cr.id);
        return;
      }
      if (state.status === 'running') {
        const release = await this.releases.get(actor, project.key, run.flagKey, env.key, state.releaseId!);
        if (release.status === 'completed') Object.assign(state, afterAudience(phase, now));
        else if (release.status === 'rolled_back')
          Object.assign(state, { status: 'rolled_back', error: `release ${release.id} rolled back` });
        else if (release.status === 'failed')
          Object.assign(state, { status: 'failed', error: `release ${release.id} ${release.status}` });
      }
    });
  }

  private async turnOn(
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    pre: PreApproval,
  ) {
    await this.repo.transaction((tx) =>
      this.flags.applyPreApproved(tx, actor, project, env, run.flagKey, {
        instructions: [{ kind: 'turnFlagOn' }],
        comment: `release plan ${run.pipelineKey}, run ${run.id}: the phase turns the flag on before its release`,
        preApproved: pre,
      }),
    );
  }

  private async startRelease(
    actor: Automation,
    run: PipelineRun,
    phase: PlanPhase,
    state: PhaseState,
    project: ProjectContext,
    env: EnvironmentContext,
    preApproved: boolean,
    now: Date,
  ) {
    const origin = originOf(run, state);
    const started = await this.releases.fromPhase(env, run.flagKey, origin);
    if (started && ACTIVE.has(started.status)) {
      this.logAdopted(run, state, 'release', started.id);
      return void Object.assign(state, { status: 'running', releaseId: started.id });
    }
    const release = await this.releases
      .startIn(
        actor,
        project,
        env,
        run.flagKey,
        {
          toVariationId: run.variationId,
          stages: phase.strategy.stages ?? [],
          guard: phase.strategy.guard,
          comment: `release plan ${run.pipelineKey}, run ${run.id}`,
        },
        { preApproved, origin },
      )
      .catch((err: unknown) => {
        // Already serving the variation: nothing to release there.
        if (isError(err, 'release/no_change')) return null;
        throw err;
      });
    Object.assign(state, release ? { status: 'running', releaseId: release.id } : afterAudience(phase, now));
  }

  /** `found` (what an earlier look of the phase opened and did not record), logged as adopted. */
  private async adopted<T extends { id: string }>(
    run: PipelineRun,
    state: PhaseState,
    what: string,
    found: Promise<T | null>,
  ): Promise<T | null> {
    const it = await found;
    if (it) this.logAdopted(run, state, what, it.id);
    return it;
  }

  /** A warning: the look before failed (its own error was logged then); this one recovers from it. */
  private logAdopted(run: PipelineRun, state: PhaseState, what: string, id: string) {
    this.logger.warn({
      msg: `phase ${state.phase + 1} (${state.environmentKey}) adopts ${what} ${id}, which an earlier look opened and did not record`,
      runId: run.id,
      flagKey: run.flagKey,
      plan: run.pipelineKey,
    });
  }
}

/** A release that has not ended. */
const ACTIVE = new Set(['running', 'paused']);

/** Stored with what a phase opens, so that a look that failed after opening it is not repeated. */
const originOf = (run: PipelineRun, state: PhaseState): PhaseOrigin => ({ pipelineRun: run.id, phase: state.phase });
