import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { waitUntilDue } from '../../infra/queues/alarm-jobs';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import { automationActor } from '../accounts/system-actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { ReleaseNotifier } from './release-notifier';
import { ReleaseWrites } from './release-writes';
import type { FlagDefinition } from '../../core/model/flag-config';
import { GuardService } from '../guards/guard.service';
import { ReleasesRepository } from './releases.repository';
import type { Release } from './release-records';
import { flagResource, formatResource } from '../../core/policy';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';

const SWEEP_LIMIT = 100_000;

export type StepOutcome = 'advanced' | 'completed' | 'held' | 'regressed' | 'failed' | 'skipped' | 'not_due';

interface StepResult {
  outcome: StepOutcome;
  row?: Release;
  event?: WebhookEvent;
}

/** How soon a guarded stage waiting for data looks again (at most its own duration). */
const GUARD_RECHECK_MS = 5_000;

/**
 * Takes a running release to its next stage, for the worker: one write per step, in the same
 * transaction as the release's new stage, under the release row's lock, so a step applies exactly
 * once whoever delivers it (duplicate jobs, a sweep after a crash). A step the write path refuses
 * (flag archived, rule or variation removed) fails the release rather than leaving it half-done.
 */
@Injectable()
export class ReleaseStepper {
  private readonly logger = new Logger('releases');

  constructor(
    private readonly repo: ReleasesRepository,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly notifier: ReleaseNotifier,
    private readonly writes: ReleaseWrites,
    private readonly guards: GuardService,
    private readonly metrics: MetricsService,
    private readonly clock: ClockService,
  ) {}

  /** Start-up sweep: overdue steps run now, oldest first; later ones get their alarms again. */
  async sweep(): Promise<void> {
    const running = await this.repo.running(SWEEP_LIMIT);
    const now = this.clock.now();
    await this.notifier.alarms(running.filter((r) => r.nextStepAt && r.nextStepAt > now));
    for (const r of running.filter((x) => !x.nextStepAt || x.nextStepAt <= now)) {
      await this.step(r.id, r.currentStage + 1).catch((e: Error) =>
        this.logger.warn(`overdue step of release ${r.id}: ${e.message}`),
      );
    }
  }

  async step(id: string, stage: number): Promise<StepOutcome> {
    const row = await this.repo.find(id);
    if (!row || row.status !== 'running' || row.currentStage + 1 !== stage) return 'skipped';
    if (row.nextStepAt && !(await waitUntilDue(row.nextStepAt, () => this.clock.now()))) return 'not_due';
    const creator = row.createdBy;
    const actor = automationActor(`release ${id} by ${creator.name}`);
    const outcome = await this.repo
      .transaction((tx) => this.stepInTx(tx, actor, id, stage))
      .then(
        (result) => {
          if (result.row) this.notifier.after(result.row, result.event);
          return result.outcome;
        },
        async (err: unknown) => {
          if (!(err instanceof DomainError)) throw err;
          await this.fail(actor, id, err);
          return 'failed' as const;
        },
      );
    if (outcome !== 'skipped' && outcome !== 'not_due') {
      this.metrics.automation.inc({ kind: 'release_step', outcome });
      if (row.nextStepAt)
        this.metrics.scheduleLateness.observe(
          { kind: 'release_step' },
          (this.clock.now().getTime() - row.nextStepAt.getTime()) / 1000,
        );
    }
    return outcome;
  }

  private async stepInTx(tx: Tx, actor: Actor, id: string, stage: number): Promise<StepResult> {
    const r = await this.repo.findForUpdate(tx, id);
    if (!r || r.status !== 'running' || r.currentStage + 1 !== stage) return { outcome: 'skipped' };
    const now = this.clock.now();
    if (r.nextStepAt && r.nextStepAt > now) return { outcome: 'not_due' };
    const { stages } = r;
    if (stage >= stages.length && !r.guard) return this.complete(tx, actor, r);
    const project = await this.projects.require(actor, r.projectKey);
    const env = this.projects.requireEnvironment(project, r.environmentKey);
    const def = await this.writes.definition(r);
    // A guarded release moves past a stage only on enough data showing no regression.
    if (r.guard && stage > 0) {
      const held = await this.guardGate(tx, actor, project, env, r, def, now);
      if (held) return held;
    }
    if (stage >= stages.length) return this.complete(tx, actor, r);
    await this.writes.applyStage(tx, actor, project, env, r, def, stage);
    const next = await this.repo.update(tx, id, {
      currentStage: stage,
      nextStepAt: new Date(now.getTime() + stages[stage].durationMs),
      history: this.notifier.history(
        { ...r, currentStage: stage },
        actor,
        'running',
        `stage ${stage + 1}: ${stages[stage].weight / 1000}%`,
      ),
    });
    return { outcome: 'advanced', row: next, event: 'release.advanced' };
  }

  private async complete(tx: Tx, actor: Actor, r: Release): Promise<StepResult> {
    const done = await this.repo.update(tx, r.id, {
      status: 'completed',
      activeKey: null,
      nextStepAt: null,
      history: this.notifier.history(r, actor, 'completed', 'last stage held for its duration'),
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
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    r: Release,
    def: FlagDefinition,
    now: Date,
  ): Promise<StepResult | undefined> {
    const guard = r.guard!;
    const treatmentVariation = def.variations.findIndex((v) => v._id === r.target.toVariationId);
    const check = await this.guards.check({
      projectId: project.id,
      environmentId: env.id,
      flagKey: r.flagKey,
      treatmentVariation,
      since: r.createdAt,
      guard,
      now,
    });
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
              history: this.notifier.history(
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
    if (guard.onRegression === 'rollback') await this.writes.restoreBaseline(tx, actor, project, env, r, def, why);
    const status = guard.onRegression === 'rollback' ? 'rolled_back' : 'paused';
    const acted = await this.repo.update(tx, r.id, {
      status,
      guardResult: check,
      nextStepAt: null,
      remainingMs: status === 'paused' ? 0 : null,
      ...(status === 'rolled_back' ? { activeKey: null } : {}),
      history: this.notifier.history(r, actor, status, why),
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

  private async fail(actor: Actor, id: string, err: DomainError): Promise<void> {
    const failed = await this.repo.transaction(async (tx) => {
      const r = await this.repo.findForUpdate(tx, id);
      if (!r || r.status !== 'running') return null;
      const next = await this.repo.update(tx, id, {
        status: 'failed',
        activeKey: null,
        nextStepAt: null,
        failure: { code: err.code, message: err.message, errors: err.errors ?? [] },
        history: this.notifier.history(r, actor, 'failed', err.message),
      });
      await this.audit.record(tx, actor, {
        action: 'stepRelease',
        resource: this.resource(r),
        comment: `failed: ${err.message}`,
        after: { status: 'failed', code: err.code },
        links: { release: id },
      });
      return next;
    });
    if (failed) this.notifier.after(failed, 'release.failed');
  }

  private resource(r: Release): string {
    return formatResource(flagResource(r.projectKey, { key: r.environmentKey, critical: false }, r.flagKey));
  }
}
