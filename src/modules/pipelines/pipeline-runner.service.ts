import { Injectable, Logger } from '@nestjs/common';
import { DomainError, isError } from '../../core/errors';
import { anyFlagResource, formatResource } from '../../core/policy';
import {
  afterAudience,
  audienceRefusal,
  awaitingFirstEvaluation,
  currentPhaseOf,
  isExpired,
  phasesToStart,
  runStatusOf,
  soakOver,
  type PhaseState,
  type PlanPhase,
} from '../../core/release';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import { QueuesService } from '../../infra/queues/queues.service';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, RunContext, RunOrigin } from '../automation/automation-definition';
import { AutomationRunner } from '../automation/automation-runner';
import { ChangeRequestAutomation } from '../approvals/change-request-automation';
import { ChangeRequestsService } from '../approvals/change-requests.service';
import { AuditService } from '../audit/audit.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { InsightsRepository } from '../insights/insights.repository';
import { ProjectsService } from '../projects/projects.service';
import { ReleasesService } from '../releases/releases.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { finalInstruction } from './pipeline-model';
import { armPipeline, PIPELINE_TICK_MS } from './pipeline-jobs';
import type { PipelineRun } from './pipeline-records';
import { PipelinesRepository } from './pipelines.repository';
import { runView } from './run-view';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { PreApproval } from '../write-path/pre-approval';

type Automation = ReturnType<typeof automationActor>;
/** Which environment a write is for, and whether that phase's change request was approved. */
type Scope = { environmentKey: string; approved?: boolean };
type Approve = (scope: Scope) => PreApproval;
const SWEEP_LIMIT = 10_000;

const creatorOf = (run: PipelineRun) => run.createdBy;

/** A look's outcome is the run's status after it; `events` are sent after commit. */
type Look = { outcome: string; row?: PipelineRun; events?: { event: WebhookEvent; detail: object }[] };

/**
 * Advances release plan runs for the worker, one look at a time: follow the phases that started (a
 * change request, a release, a soak), start the pending phases whose trigger is satisfied (after
 * checking again that their audience would see the change), pause the run when a phase's release
 * was rolled back, and expire a run with no progress for its expiry time. A look is an
 * AutomationRunner run holding the run's row lock (SKIP LOCKED: a second worker skips a run being
 * looked at, 'busy'); a refusal fails the phase, within the look.
 */
@Injectable()
export class PipelineRunner {
  private readonly logger = new Logger('release-plans');
  private readonly automation: AutomationDefinition<string, PipelineRun, Look, Scope>;

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
    private readonly insights: InsightsRepository,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookEventsService,
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
      // Checked at run start: gated environments without requireApproval needed the starter's bypass;
      // a phase whose change request was approved writes under that approval.
      grant: (run, { environmentKey, approved }) => ({
        ...(creatorOf(run).bypass || approved ? { environmentKey } : {}),
        links: { pipelineRun: { id: run.id, pipeline: run.pipelineKey } },
      }),
      apply: (tx, run, look) => this.lookLocked(tx, run, look),
    };
  }

  /** Start-up sweep: every running or paused run is due a look (see AutomationRunner.sweep). */
  sweep(): Promise<{ ran: number; alarms: number }> {
    return this.runner.sweep(this.automation, {
      list: () => this.repo.runningRuns(SWEEP_LIMIT),
      key: (r) => r.id,
      dueAt: () => null,
      alarm: () => Promise.resolve(),
    });
  }

  async advance(runId: string, origin?: RunOrigin): Promise<string> {
    const result = await this.runner.run(this.automation, runId, origin);
    const { outcome } = result;
    const { row, events } = result.status === 'done' ? result.done : ({} as Partial<Look>);
    for (const { event, detail } of events ?? []) this.emit(event, row, detail);
    const now = this.clock.now();
    if (outcome === 'running' || outcome === 'busy') {
      await armPipeline(this.queues, [runId], new Date(now.getTime() + PIPELINE_TICK_MS), now);
    } else if (outcome === 'paused' && row) {
      // A paused run only waits to be resumed or to expire: the next look is at its expiry.
      const at = new Date(Math.max(now.getTime(), row.lastProgressAt.getTime() + row.expireAfterMs));
      await armPipeline(this.queues, [runId], at, now);
    }
    return outcome;
  }

  /** A webhook about a run (after commit; a failure to emit is logged, never fails the look). */
  emit(event: WebhookEvent, run: PipelineRun | undefined, detail: object = {}): void {
    if (!run) return;
    this.logger.log({ msg: event, runId: run.id, flagKey: run.flagKey, plan: run.pipelineKey, ...detail });
    void this.webhooks
      .emit(event, { ...runView(run), projectKey: run.projectKey, ...detail })
      .catch((e: Error) => this.logger.warn(`${event} for run ${run.id} not emitted: ${e.message}`));
  }

  private async lookLocked(tx: Tx, run: PipelineRun, { actor, approve }: RunContext<Scope>): Promise<Look> {
    if (run.status !== 'running' && run.status !== 'paused') return { outcome: run.status };
    const now = this.clock.now();
    if (isExpired(run.lastProgressAt, run.expireAfterMs, now)) return this.expire(tx, actor, run, now);
    if (run.status === 'paused') return { outcome: 'paused', row: run };
    const { phases } = run;
    const states = run.audiences.map((a) => ({ ...a }));
    const notes: string[] = [];
    const events: Look['events'] = [];
    const project = await this.projects.require(actor, run.projectKey, tx);
    let refusal: string | undefined;

    // Phases under way: a change request, a release, a soak.
    for (const state of states.filter((s) => ['waiting_approval', 'running', 'soaking'].includes(s.status))) {
      const before = state.status;
      await this.guarded(notes, run, state, () =>
        this.follow(actor, run, project, phases[state.phase], state, approve, now),
      );
      if (state.status !== before) notes.push(`${state.environmentKey}: ${state.status}`);
    }
    // Phases whose trigger is satisfied start; an immediate phase that completes at once may let the
    // next `previous` phase start in the same look.
    const evaluated = await this.evaluatedSince(run, project, states);
    for (let pass = 0; pass < phases.length && !refusal; pass++) {
      const due = phasesToStart(phases, states, evaluated);
      if (!due.length) break;
      for (const i of due) {
        const state = states[i];
        const phase = phases[i];
        const env = this.projects.requireEnvironment(project, phase.environmentKey);
        if (evaluated.has(phase.environmentKey) && !state.triggeredAt)
          Object.assign(state, { triggeredAt: now.toISOString(), triggeredBy: 'first evaluation' });
        const why = await this.wouldNotSee(actor, run, project, env, phase);
        if (why) {
          refusal = `phase ${i + 1} (${env.key}) not started: ${why}`;
          state.error = why;
          break;
        }
        state.startedAt = now.toISOString();
        delete state.error;
        await this.guarded(notes, run, state, () => this.start(actor, run, project, env, phase, state, approve, now));
        notes.push(`${state.environmentKey}: started (${state.status})`);
        events.push({ event: 'release_plan.phase_started', detail: { phase: i, environmentKey: env.key } });
      }
    }
    let status: string = refusal ? 'paused' : runStatusOf(states);
    if (refusal) notes.push(`paused: ${refusal}`);
    const rolledBack = states.filter((s, i) => s.status === 'rolled_back' && run.audiences[i].status !== 'rolled_back');
    if (status === 'paused' && rolledBack.length)
      notes.push(`paused: ${rolledBack.map((s) => s.environmentKey).join(', ')} rolled back; phases not started wait`);
    // (run.status is 'running' here: a paused run returned above.)
    if (status === 'paused') events.push({ event: 'release_plan.paused', detail: { reason: notes.at(-1) } });
    if (status === 'completed') events.push({ event: 'release_plan.completed', detail: {} });
    if (status === 'failed') events.push({ event: 'release_plan.failed', detail: {} });
    // A release or soak under way is progress by itself; only waiting (for a trigger, an approval) runs the expiry clock.
    const moved =
      states.some((s) => s.status === 'running' || s.status === 'soaking') ||
      states.some((s, i) => JSON.stringify(s) !== JSON.stringify(run.audiences[i]));
    const currentPhase = currentPhaseOf(states);
    const history = notes.length
      ? [...run.history, { at: now.toISOString(), status, phase: currentPhase, note: notes.join('; ') }]
      : undefined;
    if (status === 'paused')
      await this.audit.record(tx, actor, {
        action: 'pauseReleasePlan',
        resource: formatResource(anyFlagResource(run.projectKey, run.flagKey)),
        comment: notes.at(-1),
        links: { pipelineRun: run.id },
      });
    const row = await this.repo.updateRun(tx, run.id, {
      status,
      currentPhase,
      audiences: states,
      ...(moved || status !== run.status ? { lastProgressAt: now } : {}),
      ...(['completed', 'failed'].includes(status) ? { activeKey: null } : {}),
      ...(history ? { history } : {}),
    });
    status = row.status;
    return { outcome: status, row, events };
  }

  /** A refusal (DomainError) fails the phase; a change freeze makes it wait, noted once. */
  private async guarded(notes: string[], run: PipelineRun, state: PhaseState, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (isError(err, 'freeze/active')) {
        const note = `${state.environmentKey}: waiting for the change freeze to end (${err.message})`;
        if (run.history.at(-1)?.note !== note) notes.push(note);
        if (state.status === 'pending') delete state.startedAt;
        return;
      }
      Object.assign(state, { status: 'failed', error: `${err.code}: ${err.message}` });
    }
  }

  private async expire(tx: Tx, actor: Automation, run: PipelineRun, now: Date): Promise<Look> {
    const note = `expired: no progress for ${run.expireAfterMs} ms (since ${run.lastProgressAt.toISOString()})`;
    const row = await this.repo.updateRun(tx, run.id, {
      status: 'expired',
      activeKey: null,
      history: [...run.history, { at: now.toISOString(), status: 'expired', phase: run.currentPhase, note }],
    });
    await this.audit.record(tx, actor, {
      action: 'expireReleasePlan',
      resource: formatResource(anyFlagResource(run.projectKey, run.flagKey)),
      comment: note,
      links: { pipelineRun: run.id },
    });
    return { outcome: 'expired', row, events: [{ event: 'release_plan.expired', detail: { reason: note } }] };
  }

  /** Environments of first-evaluation phases where the flag was evaluated since the run started. */
  private async evaluatedSince(run: PipelineRun, project: ProjectContext, states: PhaseState[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const envKey of awaitingFirstEvaluation(run.phases, states)) {
      const env = this.projects.requireEnvironment(project, envKey);
      const last = await this.insights.lastEvaluatedAt(env.id, run.flagKey);
      if (last && last.getTime() >= run.createdAt.getTime()) out.add(envKey);
    }
    return out;
  }

  /** The audience check again, on the flag as it is now (README "Release plans" → refusal). */
  private async wouldNotSee(
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    phase: PlanPhase,
  ): Promise<string | null> {
    const dry = await this.flags.dryRun(actor, project, env, run.flagKey, [finalInstruction(run.variationId)], false);
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
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    phase: PlanPhase,
  ) {
    if (!phase.turnFlagOn) return false;
    const dry = await this.flags.dryRun(actor, project, env, run.flagKey, [finalInstruction(run.variationId)], false);
    return !dry.before.environment.on;
  }

  /** A phase's first step: a change request to wait for, an immediate write, or a release. */
  private async start(
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    env: EnvironmentContext,
    phase: PlanPhase,
    state: PhaseState,
    approve: Approve,
    now: Date,
  ): Promise<void> {
    const turnOn = await this.mustTurnOn(actor, run, project, env, phase);
    const instructions = [...(turnOn ? [{ kind: 'turnFlagOn' }] : []), finalInstruction(run.variationId)];
    if (phase.requireApproval) {
      const cr = await this.requests
        .create(actor, 'flag', project.key, env.key, run.flagKey, {
          description: `release plan ${run.pipelineKey}: release variation ${run.variationId} to ${env.key}`,
          instructions,
        })
        .catch((err: unknown) => {
          if (isError(err, 'change_request/no_change')) return null;
          throw err;
        });
      if (!cr) Object.assign(state, afterAudience(phase, now));
      else Object.assign(state, { status: 'waiting_approval', changeRequestId: cr.id });
      return;
    }
    if (phase.strategy.kind === 'immediate') {
      await this.repo.transaction((tx) =>
        this.flags.applyPreApproved(tx, actor, project, env, run.flagKey, {
          instructions,
          comment: `release plan ${run.pipelineKey}, run ${run.id}`,
          preApproved: approve({ environmentKey: env.key }),
        }),
      );
      return void Object.assign(state, afterAudience(phase, now));
    }
    if (turnOn) await this.turnOn(actor, run, project, env, approve({ environmentKey: env.key }));
    await this.startRelease(actor, run, phase, state, project, env, creatorOf(run).bypass === true, now);
  }

  /** A phase under way, one step: approval → release or write; release → soak; soak → completed. */
  private async follow(
    actor: Automation,
    run: PipelineRun,
    project: ProjectContext,
    phase: PlanPhase,
    state: PhaseState,
    approve: Approve,
    now: Date,
  ): Promise<void> {
    const env = this.projects.requireEnvironment(project, phase.environmentKey);
    if (state.status === 'soaking') {
      if (soakOver(state, now)) Object.assign(state, { status: 'completed', soakUntil: undefined });
      return;
    }
    if (state.status === 'waiting_approval') {
      const cr = await this.requests.get(actor, state.changeRequestId!);
      if (cr.status === 'applied') return void Object.assign(state, afterAudience(phase, now));
      if (['declined', 'cancelled', 'failed'].includes(cr.status))
        return void Object.assign(state, { status: 'failed', error: `change request ${cr.id} ${cr.status}` });
      if (cr.status !== 'approved') return;
      if (phase.strategy.kind === 'immediate') {
        await this.changeRequests.applyAutomatically(cr.id, { project, env }, `release plan run ${run.id}`);
        return void Object.assign(state, afterAudience(phase, now));
      }
      // The approval covers the release that gets there step by step (and turning the flag on, which
      // the request carried); the request itself is closed.
      if (await this.mustTurnOn(actor, run, project, env, phase))
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
        preApproved,
      )
      .catch((err: unknown) => {
        // Already serving the variation: nothing to release there.
        if (isError(err, 'release/no_change')) return null;
        throw err;
      });
    Object.assign(state, release ? { status: 'running', releaseId: release.id } : afterAudience(phase, now));
  }
}
