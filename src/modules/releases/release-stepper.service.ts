import { Injectable } from '@nestjs/common';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import { automationActor } from '../accounts/system-actor';
import { AuditService } from '../audit/audit.service';
import type { AutomationDefinition, AutomationDone, RunContext, RunOrigin } from '../automation/automation-definition';
import { AutomationRunner, type SweepOptions } from '../automation/automation-runner';
import { ProjectsService } from '../projects/projects.service';
import { ReleaseNotifier } from './release-notifier';
import { RELEASE_GRANT, ReleaseWrites, type ReleaseWriteScope } from './release-writes';
import type { FlagDefinition } from '../../core/model/flag-config';
import { GuardService, type GuardCheck } from '../guards/guard.service';
import { guardDecision, guardWindowStart, worthRecording } from '../../core/release';
import { ReleasesRepository } from './releases.repository';
import type { Release } from './release-records';
import { flagResource, formatResource } from '../../core/policy';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { addUnfrozen, frozenUntil, type ActiveFreeze } from '../../core/freeze';
import { FreezeEvents } from '../freezes/freeze-events';
import { describeFreeze, FreezeGate } from '../freezes/freeze-gate';

const SWEEP_LIMIT = 100_000;

export type StepOutcome = 'advanced' | 'completed' | 'held' | 'regressed' | 'failed' | 'skipped' | 'not_due';

/**
 * A step: the release, and the stage it moves to (an alarm for another stage is stale); from an
 * alarm, also when it is due (the release's nextStepAt the alarm was set for).
 */
interface StepKey {
  id: string;
  stage: number;
  dueAt?: Date;
}

interface StepResult extends AutomationDone<Release> {
  outcome: Exclude<StepOutcome, 'failed' | 'skipped' | 'not_due'>;
}

type StepRun = RunContext<ReleaseWriteScope>;

/** How soon a guarded stage waiting for data looks again (at most its own duration). */
const GUARD_RECHECK_MS = 5_000;

/**
 * Takes a running release to its next stage, as automation (AutomationRunner: one write per step, in
 * the same transaction as the release's new stage, under the release row's lock, so a step applies
 * exactly once whoever delivers it). A step the write path refuses (flag archived, rule or variation
 * removed) fails the release rather than leaving it half-done.
 */
@Injectable()
export class ReleaseStepper {
  private readonly automation: AutomationDefinition<StepKey, Release, StepResult, ReleaseWriteScope>;

  constructor(
    private readonly repo: ReleasesRepository,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly notifier: ReleaseNotifier,
    private readonly writes: ReleaseWrites,
    private readonly guards: GuardService,
    private readonly clock: ClockService,
    private readonly runner: AutomationRunner,
    private readonly freezes: FreezeGate,
    freezeEvents: FreezeEvents,
  ) {
    // A freeze removed before its end: the releases it held look again now, not at its end.
    freezeEvents.onRemoved(async (projectId) =>
      this.notifier.alarms(await this.repo.rearmFreezeHeld(projectId, this.clock.now())),
    );
    this.automation = {
      ...RELEASE_GRANT,
      id: (k) => k.id,
      find: (k) => this.repo.find(k.id),
      // An alarm knows when its step is due: no read of the release before the transaction.
      keyDueAt: (k) => k.dueAt,
      transaction: (fn) => this.repo.transaction(fn),
      lock: (tx, k) => this.repo.findForUpdate(tx, k.id),
      isPending: (r, k) => (r.status === 'running' || isFreezeHeld(r)) && r.currentStage + 1 === k.stage,
      dueAt: (r) => r.nextStepAt,
      resource: (r) => this.resource(r),
      actor: (r) => automationActor(`release ${r.id} by ${r.createdBy.name}`),
      apply: (tx, r, run) => this.stepLocked(tx, r, run),
      webhooks: (row, event) => [this.notifier.event(row, event)],
      notify: (row) => this.notifier.nextStep(row),
      failure: {
        mark: async (tx, r, err, actor) =>
          r.status !== 'running' && !isFreezeHeld(r)
            ? null
            : this.repo.update(tx, r.id, {
                status: 'failed',
                activeKey: null,
                nextStepAt: null,
                failure: { code: err.code, message: err.message, errors: err.errors ?? [] },
                appendHistory: this.notifier.historyEntry(r, actor, 'failed', err.message),
              }),
        audit: { action: 'stepRelease', links: (r) => ({ release: r.id }) },
        event: 'release.failed',
      },
    };
  }

  /** Start-up and periodic sweep (see AutomationRunner.sweep). */
  sweep(options?: SweepOptions): Promise<{ ran: number; alarms: number }> {
    return this.runner.sweep(
      this.automation,
      {
        list: () => this.repo.running(SWEEP_LIMIT),
        key: (r) => ({ id: r.id, stage: r.currentStage + 1 }),
        dueAt: (r) => r.nextStepAt,
        alarm: (later) => this.notifier.alarms(later),
      },
      options,
    );
  }

  /** `dueAtMs`: when the alarm that asks for the step was set for (absent: the release is read first). */
  async step(id: string, stage: number, origin?: RunOrigin, dueAtMs?: number): Promise<StepOutcome> {
    const key = { id, stage, ...(dueAtMs !== undefined ? { dueAt: new Date(dueAtMs) } : {}) };
    return (await this.runner.run(this.automation, key, origin)).outcome as StepOutcome;
  }

  /** Under the row's lock, the release running and due at the stage after its current one. */
  private async stepLocked(tx: Tx, locked: Release, run: StepRun): Promise<StepResult> {
    let r = locked;
    const { actor } = run;
    const stage = r.currentStage + 1;
    const now = this.clock.now();
    const { stages } = r;
    if (stage >= stages.length && !r.guard) return this.complete(tx, actor, r);
    // As of this transaction, with the project's settings revision: the freeze windows come from
    // FreezeGate's cache at that revision (as current as reading them here), not from a query per
    // step, and the project from this node's last read of it when the release's lock read the same
    // revision.
    const { project, settingsRevision } = await this.projects.requireAtLockedRevision(
      actor,
      r.projectKey,
      this.repo.projectAtLock(locked),
      tx,
    );
    const settings = { id: project.id, settingsRevision };
    const env = this.projects.requireEnvironment(project, r.environmentKey);
    // A change freeze over the environment holds the release (no step, no guard rollback) until it ends.
    const frozen = await this.freezes.active(settings, [env.key], tx);
    if (frozen.length) return this.holdForFreeze(tx, actor, r, frozen, now);
    if (isFreezeHeld(r)) {
      const resumed = await this.resumeAfterFreeze(tx, actor, r, now);
      if (resumed.nextStepAt && resumed.nextStepAt > now)
        return { outcome: 'held', row: resumed, event: 'release.resumed' };
      r = resumed;
    }
    // A guarded release moves past a stage only on enough data showing no regression.
    if (r.guard && stage > 0) {
      const held = await this.guardGate(tx, run, project, env, r, await this.writes.definition(r, tx), now);
      if (held) return held;
    }
    if (stage >= stages.length) return this.complete(tx, actor, r);
    // The flag is read under its lock there (a missing flag fails the release as flag/not_found).
    await this.writes.applyStage(tx, actor, project, env, r, stage, run.approve({ stage }));
    const next = await this.repo.update(tx, r.id, {
      currentStage: stage,
      // Known freezes over the environment do not count as time in the stage.
      nextStepAt: addUnfrozen(await this.freezes.covering(settings, env.key, tx), now, stages[stage].durationMs),
      appendHistory: this.notifier.historyEntry(
        { currentStage: stage },
        actor,
        'running',
        `stage ${stage + 1}: ${stages[stage].weight / 1000}%`,
      ),
    });
    return { outcome: 'advanced', row: next, event: 'release.advanced' };
  }

  /**
   * Pauses the release until the freeze ends (its alarm is set there), keeping what the freeze took
   * from the stage in force: the part of the stage that was frozen before the step came due is
   * given back after the freeze (remainingMs), so frozen time does not count as time in the stage.
   * Freezes known when the stage began were already skipped over by its due time (see applyStage).
   */
  private async holdForFreeze(
    tx: Tx,
    actor: Actor,
    r: Release,
    frozen: ActiveFreeze[],
    now: Date,
  ): Promise<StepResult> {
    const until = frozenUntil(
      frozen.map((f) => f.window),
      now,
    );
    const already = isFreezeHeld(r);
    const stageMs = r.currentStage >= 0 ? r.stages[r.currentStage].durationMs : 0;
    const frozenSince = Math.min(...frozen.map((f) => f.interval.start.getTime()));
    const taken = Math.max(0, now.getTime() - Math.max(frozenSince, now.getTime() - stageMs));
    const held = await this.repo.update(tx, r.id, {
      status: 'paused',
      nextStepAt: until,
      remainingMs: already ? r.remainingMs : taken,
      ...(already
        ? {}
        : {
            appendHistory: this.notifier.historyEntry(
              r,
              actor,
              'paused',
              `paused by change ${describeFreeze(frozen[0])}; resumes when it ends`,
            ),
          }),
    });
    return { outcome: 'held', row: held, ...(already ? {} : { event: 'release.paused' as const }) };
  }

  /** The freeze is over: running again, the stage in force getting back the time the freeze took from it. */
  private resumeAfterFreeze(tx: Tx, actor: Actor, r: Release, now: Date): Promise<Release> {
    const left = r.remainingMs ?? 0;
    return this.repo.update(tx, r.id, {
      status: 'running',
      remainingMs: null,
      nextStepAt: new Date(now.getTime() + left),
      appendHistory: this.notifier.historyEntry(
        r,
        actor,
        'running',
        left > 0 ? `resumed after the change freeze, ${left} ms left in the stage` : 'resumed after the change freeze',
      ),
    });
  }

  private async complete(tx: Tx, actor: Actor, r: Release): Promise<StepResult> {
    const done = await this.repo.update(tx, r.id, {
      status: 'completed',
      activeKey: null,
      nextStepAt: null,
      appendHistory: this.notifier.historyEntry(r, actor, 'completed', 'last stage held for its duration'),
    });
    await this.audit.record(tx, actor, {
      action: 'completeRelease',
      resource: this.resource(r),
      links: { release: r.id },
    });
    return { outcome: 'completed', row: done, event: 'release.completed' };
  }

  /**
   * The guard's verdict before leaving the stage in force: a regression pauses or rolls back (as
   * configured), with the statistics in the audit entry; too little data holds the stage and looks
   * again shortly; otherwise undefined, and the step goes on.
   */
  private async guardGate(
    tx: Tx,
    { actor, approve }: StepRun,
    project: ProjectContext,
    env: EnvironmentContext,
    r: Release,
    def: FlagDefinition,
    now: Date,
  ): Promise<StepResult | undefined> {
    const guard = r.guard!;
    const treatmentVariation = def.variations.findIndex((v) => v._id === r.target.toVariationId);
    // In the step's transaction: a step holds one connection, however many steps a worker has in hand.
    const check = await this.guards.check(
      {
        projectId: project.id,
        environmentId: env.id,
        flagKey: r.flagKey,
        treatmentVariation,
        since: guardWindowStart(r.history, r.stages, r.currentStage, r.createdAt),
        guard,
        now,
      },
      tx,
    );
    await this.recordCheck(tx, r, check);
    if (check.outcome === 'ok') {
      await this.repo.update(tx, r.id, { guardResult: check });
      return undefined;
    }
    if (check.outcome === 'insufficient_data') {
      const { stages } = r;
      const wait = Math.min(stages[Math.max(0, r.currentStage)].durationMs, GUARD_RECHECK_MS);
      const waiting = (r.guardResult as { outcome?: string } | null)?.outcome === 'insufficient_data';
      const held = await this.repo.update(tx, r.id, {
        guardResult: check,
        nextStepAt: new Date(now.getTime() + wait),
        ...(waiting
          ? {}
          : {
              appendHistory: this.notifier.historyEntry(
                r,
                actor,
                'running',
                'holding the stage: not enough data to judge the new variation',
              ),
            }),
      });
      return { outcome: 'held', row: held };
    }
    const regressed = check.metrics.filter((m) => m.result.verdict === 'regression').map((m) => m.metric);
    const why = `guard: regression on ${regressed.join(', ')}`;
    if (guard.onRegression === 'rollback')
      await this.writes.restoreBaseline(tx, actor, project, env, r, def, why, approve({ rollback: true }));
    const status = guard.onRegression === 'rollback' ? 'rolled_back' : 'paused';
    const acted = await this.repo.update(tx, r.id, {
      status,
      guardResult: check,
      nextStepAt: null,
      remainingMs: status === 'paused' ? 0 : null,
      ...(status === 'rolled_back' ? { activeKey: null } : {}),
      appendHistory: this.notifier.historyEntry(r, actor, status, why),
    });
    await this.audit.record(tx, actor, {
      action: 'guardRelease',
      resource: this.resource(r),
      comment: why,
      after: { status, guard: check },
      links: { release: r.id },
    });
    return {
      outcome: 'regressed',
      row: acted,
      event: status === 'rolled_back' ? 'release.rolled_back' : 'release.paused',
    };
  }

  /** The check joins the release's guard series (a repeated wait on the same data adds nothing). */
  private async recordCheck(tx: Tx, r: Release, check: GuardCheck): Promise<void> {
    if (!worthRecording(r.guardResult, check)) return;
    const decision = guardDecision(check.outcome, r.guard!.onRegression);
    await this.repo.recordGuardCheck(tx, r.id, { stage: r.currentStage, decision, check });
  }

  private resource(r: Release): string {
    return formatResource(flagResource(r.projectKey, { key: r.environmentKey, critical: false }, r.flagKey));
  }
}

/** Paused by a change freeze (a person's pause leaves no alarm). */
const isFreezeHeld = (r: Pick<Release, 'status' | 'nextStepAt'>) => r.status === 'paused' && r.nextStepAt !== null;
