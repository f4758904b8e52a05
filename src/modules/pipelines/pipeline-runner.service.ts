import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, isError } from '../../core/errors';
import { anyFlagResource, formatResource } from '../../core/policy';
import {
  awaitingFirstEvaluation,
  currentPhaseOf,
  isExpired,
  phasesToStart,
  runStatusOf,
  type PhaseState,
} from '../../core/release';
import { ClockService } from '../../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { InProcessLimit } from '../../infra/queues/in-process-limit';
import type { Tx } from '../../infra/prisma/tx';
import { QueuesService } from '../../infra/queues/queues.service';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, RunContext, RunOrigin } from '../automation/automation-definition';
import { AutomationRunner } from '../automation/automation-runner';
import { AuditService } from '../audit/audit.service';
import { InsightsRepository } from '../insights/insights.repository';
import { ProjectsService } from '../projects/projects.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { armPipeline, PIPELINE_TICK_MS } from './pipeline-jobs';
import { creatorOf, PipelinePhaseActions, type Automation, type Scope } from './pipeline-phase-actions';
import type { PipelineRun } from './pipeline-records';
import { PipelinesRepository } from './pipelines.repository';
import { runView } from './run-view';
import type { ProjectContext } from '../projects/project-context';

const SWEEP_LIMIT = 10_000;

/** A webhook event about a run, with what it adds to the run's view. */
export type RunEvent = { event: WebhookEvent; detail: object };

/**
 * A look's outcome is the run's status after it; its `events` were written with it (as delivery
 * rows, `deliveries`), and are logged and woken after the commit.
 */
type Look = { outcome: string; row?: PipelineRun; events?: RunEvent[]; deliveries?: string[] };

/**
 * Advances release plan runs for the worker, one look at a time: follow the phases that started (a
 * change request, a release, a soak), start the pending phases whose trigger is satisfied (after
 * checking again that their audience would see the change), pause the run when a phase's release
 * was rolled back, and expire a run with no progress for its expiry time. A look is an
 * AutomationRunner run holding the run's row lock (SKIP LOCKED: a second worker skips a run being
 * looked at, 'busy'); a refusal fails the phase, within the look.
 *
 * A look that starts a release or follows a change request holds its run's connection while those
 * open transactions of their own, so at most half the pool's connections are held by looks at once
 * (`looks`): however many jobs a worker has in hand (GANTRY_WORKER_CONCURRENCY), each look can get
 * its second connection.
 */
@Injectable()
export class PipelineRunner {
  private readonly logger = new Logger('release-plans');
  private readonly automation: AutomationDefinition<string, PipelineRun, Look, Scope>;
  private readonly looks: InProcessLimit;

  constructor(
    private readonly repo: PipelinesRepository,
    private readonly projects: ProjectsService,
    private readonly phaseActions: PipelinePhaseActions,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly runner: AutomationRunner,
    private readonly insights: InsightsRepository,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookEventsService,
    @Inject(GANTRY_CONFIG) config: GantryConfig,
  ) {
    this.looks = new InProcessLimit(Math.max(1, Math.floor(config.databasePoolSize / 2)));
    this.automation = {
      kind: 'pipeline_look',
      unlocked: 'busy',
      id: (id) => id,
      transaction: (fn) => this.looks.run(() => this.repo.transaction(fn)),
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
    const { row, events, deliveries } = result.status === 'done' ? result.done : ({} as Partial<Look>);
    if (row) this.announce(row, events ?? [], deliveries ?? []);
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

  /**
   * The webhook deliveries of events about `run`, written in the transaction that changed it: they
   * commit with the change or not at all (a worker that dies after the commit loses none). Their
   * ids go to announce() after the commit.
   */
  recordEvents(tx: Tx, run: PipelineRun, events: RunEvent[]): Promise<string[]> {
    return this.webhooks.record(
      tx,
      events.map(({ event, detail }) => ({
        event,
        payload: { ...runView(run), projectKey: run.projectKey, ...detail },
      })),
    );
  }

  /**
   * After the commit: one log line per event, and the deliveries' jobs (if Redis refuses, the rows
   * stay pending and the delivery worker's sweeps send them).
   */
  announce(run: PipelineRun, events: RunEvent[], deliveries: string[]): void {
    for (const { event, detail } of events)
      this.logger.log({ msg: event, runId: run.id, flagKey: run.flagKey, plan: run.pipelineKey, ...detail });
    this.webhooks.wakeAfterCommit(deliveries, `release plan run ${run.id}`);
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
        this.phaseActions.follow(actor, run, project, phases[state.phase], state, approve, now),
      );
      if (state.status !== before) notes.push(`${state.environmentKey}: ${state.status}`);
    }
    // Phases whose trigger is satisfied start; an immediate phase that completes at once may let the
    // next `previous` phase start in the same look.
    const evaluated = await this.evaluatedSince(tx, run, project, states);
    for (let pass = 0; pass < phases.length && !refusal; pass++) {
      const due = phasesToStart(phases, states, evaluated);
      if (!due.length) break;
      for (const i of due) {
        const state = states[i];
        const phase = phases[i];
        const env = this.projects.requireEnvironment(project, phase.environmentKey);
        if (evaluated.has(phase.environmentKey) && !state.triggeredAt)
          Object.assign(state, { triggeredAt: now.toISOString(), triggeredBy: 'first evaluation' });
        const why = await this.phaseActions.wouldNotSee(tx, actor, run, project, env, phase);
        if (why) {
          refusal = `phase ${i + 1} (${env.key}) not started: ${why}`;
          state.error = why;
          break;
        }
        state.startedAt = now.toISOString();
        delete state.error;
        await this.guarded(notes, run, state, () =>
          this.phaseActions.start(tx, actor, run, project, env, phase, state, approve, now),
        );
        notes.push(`${state.environmentKey}: started (${state.status})`);
        events.push({ event: 'release_plan.phase_started', detail: { phase: i, environmentKey: env.key } });
      }
    }
    const status: string = refusal ? 'paused' : runStatusOf(states);
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
    return { outcome: row.status, row, events, deliveries: await this.recordEvents(tx, row, events) };
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
    const events = [{ event: 'release_plan.expired' as const, detail: { reason: note } }];
    return { outcome: 'expired', row, events, deliveries: await this.recordEvents(tx, row, events) };
  }

  /** Environments of first-evaluation phases where the flag was evaluated since the run started. */
  private async evaluatedSince(
    tx: Tx,
    run: PipelineRun,
    project: ProjectContext,
    states: PhaseState[],
  ): Promise<Set<string>> {
    const out = new Set<string>();
    for (const envKey of awaitingFirstEvaluation(run.phases, states)) {
      const env = this.projects.requireEnvironment(project, envKey);
      const last = await this.insights.lastEvaluatedAt(env.id, run.flagKey, tx);
      if (last && last.getTime() >= run.createdAt.getTime()) out.add(envKey);
    }
    return out;
  }
}
