import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { stageServing, type Stage } from '../../core/release';
import type { Tx } from '../../infra/prisma/prisma.service';
import type { ActorRef } from '../accounts/models/actor';
import { automationActor } from '../accounts/system-actor';
import { AuditService } from '../audit/audit.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { ReleaseNotifier } from './release-notifier';
import { loadServing, servingInstruction } from './release-serving';
import type { ReleaseBaseline } from './releases.service';
import { ReleasesRepository, type ReleaseRow } from './releases.repository';

const SWEEP_LIMIT = 100_000;

export type StepOutcome = 'advanced' | 'completed' | 'failed' | 'skipped' | 'not_due';

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
    private readonly flags: FlagWriteService,
    private readonly audit: AuditService,
    private readonly notifier: ReleaseNotifier,
  ) {}

  /** Start-up sweep: overdue steps run now, oldest first; later ones get their alarms again. */
  async sweep(): Promise<void> {
    const running = await this.repo.running(SWEEP_LIMIT);
    const now = this.notifier.clock.now();
    await this.notifier.alarms(running.filter((r) => r.nextStepAt && r.nextStepAt > now));
    for (const r of running.filter((x) => !x.nextStepAt || x.nextStepAt <= now)) {
      await this.step(r.id, r.currentStage + 1).catch((e: Error) => this.logger.warn(`overdue step of release ${r.id}: ${e.message}`));
    }
  }

  async step(id: string, stage: number): Promise<StepOutcome> {
    const row = await this.repo.find(id);
    if (!row || row.status !== 'running' || row.currentStage + 1 !== stage) return 'skipped';
    const creator = row.createdBy as unknown as ActorRef;
    const actor = automationActor(`release ${id} by ${creator.name}`);
    try {
      const result = await this.repo.transaction((tx) => this.stepInTx(tx, actor, id, stage));
      if (result.row) this.notifier.after(result.row, result.event);
      return result.outcome;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await this.fail(actor, id, err);
      return 'failed';
    }
  }

  private async stepInTx(tx: Tx, actor: ReturnType<typeof automationActor>, id: string, stage: number): Promise<{ outcome: StepOutcome; row?: ReleaseRow; event?: WebhookEvent }> {
    const r = await this.repo.findForUpdate(tx, id);
    if (!r || r.status !== 'running' || r.currentStage + 1 !== stage) return { outcome: 'skipped' };
    const now = this.notifier.clock.now();
    if (r.nextStepAt && r.nextStepAt > now) return { outcome: 'not_due' };
    const stages = r.stages as unknown as Stage[];
    if (stage >= stages.length) {
      const done = await this.repo.update(tx, id, { status: 'completed', activeKey: null, nextStepAt: null, history: this.notifier.history(r, actor, 'completed', 'last stage held for its duration') });
      await this.audit.record(tx, actor, { action: 'completeRelease', resource: this.resource(r), links: { release: id } });
      return { outcome: 'completed', row: done, event: 'release.completed' };
    }
    const project = await this.projects.require(actor, r.environment.project.key);
    const env = this.projects.requireEnvironment(project, r.environment.key);
    const def = await this.repo.flagDefinition(project.key, r.flagKey);
    if (!def) throw new DomainError('flag/not_found', 404, `flag '${r.flagKey}' was not found`);
    const target = r.target as { ruleId: string | null; toVariationId: string };
    const baseline = loadServing((r.baseline as unknown as ReleaseBaseline).serving, def.variations);
    const serving = stageServing(baseline, def.variations.map((v) => v._id), target.toVariationId, stages[stage].weight);
    await this.flags.applyPreApproved(tx, actor, project, env, r.flagKey, {
      instructions: [servingInstruction(serving, def.variations, target.ruleId)],
      comment: `release ${id}: stage ${stage + 1} of ${stages.length} (${stages[stage].weight / 1000}%)`,
      preApproved: { environmentKey: env.key, links: { release: { id, stage, weight: stages[stage].weight } } },
    });
    const next = await this.repo.update(tx, id, {
      currentStage: stage,
      nextStepAt: new Date(now.getTime() + stages[stage].durationMs),
      history: this.notifier.history({ ...r, currentStage: stage }, actor, 'running', `stage ${stage + 1}: ${stages[stage].weight / 1000}%`),
    });
    return { outcome: 'advanced', row: next, event: 'release.advanced' };
  }

  private async fail(actor: ReturnType<typeof automationActor>, id: string, err: DomainError): Promise<void> {
    const failed = await this.repo.transaction(async (tx) => {
      const r = await this.repo.findForUpdate(tx, id);
      if (!r || r.status !== 'running') return null;
      const next = await this.repo.update(tx, id, { status: 'failed', activeKey: null, nextStepAt: null, failure: { code: err.code, message: err.message, errors: err.errors ?? [] }, history: this.notifier.history(r, actor, 'failed', err.message) });
      await this.audit.record(tx, actor, { action: 'stepRelease', resource: this.resource(r), comment: `failed: ${err.message}`, after: { status: 'failed', code: err.code }, links: { release: id } });
      return next;
    });
    if (failed) this.notifier.after(failed, 'release.failed');
  }

  private resource(r: ReleaseRow): string {
    return `proj/${r.environment.project.key}:env/${r.environment.key}:flag/${r.flagKey}`;
  }
}
