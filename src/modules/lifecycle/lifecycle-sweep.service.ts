import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FlagState } from '../../core/approval';
import { LIFECYCLE_STATES, sameSweepStatus, sweepStep, type LifecycleSettings } from '../../core/lifecycle';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { automationActor } from '../accounts/system-actor';
import type { Actor } from '../accounts/models/actor';
import { ChangeRequestsService } from '../approvals/change-requests.service';
import { FlagWriteService } from '../flags/flag-write.service';
import type { ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { RESOURCE_WRITER, type ResourceWriter } from '../write-path/resource-writer';
import { LifecycleStatesService, type ComputedLifecycle } from './lifecycle-states.service';
import { LifecycleRepository, type FlagLifecycleStatusRecord } from './lifecycle.repository';

const ARCHIVE = [{ kind: 'archiveFlag' }];

export interface SweepOutcome {
  projects: number;
  flags: number;
  notified: number;
  archived: number;
  changeRequests: number;
  failed: number;
}

/**
 * The lifecycle sweep (the `lifecycle.sweep` job, hourly): for each project it computes the
 * states, records each flag's transition in FlagLifecycleStatus (the row is the state), sends
 * `flag.ready_for_cleanup` once when a flag becomes stale, and applies the archival policy to
 * flags stale for longer than the grace period:
 * - where archiving would need approval in an environment (or the mode is `change_request`), an
 *   archival change request is opened, once per stale period, in that environment;
 * - otherwise (mode `automatic`) the flag is archived through the one write path (FlagWriteService,
 *   as a person's archive is), as Gantry's automation actor: audited, and never past a gate.
 */
@Injectable()
export class LifecycleSweepService {
  private readonly logger = new Logger('lifecycle');
  /** Flags per state per project at the last sweep of this process (what the gauge reports). */
  private readonly lastCounts = new Map<string, Record<string, number>>();

  constructor(
    private readonly repo: LifecycleRepository,
    private readonly states: LifecycleStatesService,
    private readonly projects: ProjectsService,
    private readonly writes: FlagWriteService,
    private readonly changeRequests: ChangeRequestsService,
    private readonly webhooks: WebhookEventsService,
    private readonly clock: ClockService,
    @Inject(RESOURCE_WRITER.flag) private readonly flagWriter: ResourceWriter<FlagState>,
    metrics: MetricsService,
  ) {
    // Labels are bounded: projects × the five states. Set by the sweep (hourly), so a scrape costs nothing.
    metrics.gauge(
      'gantry_lifecycle_flags',
      'Flags per lifecycle state per project, at the last sweep',
      ['project', 'state'],
      (g) => {
        g.reset();
        for (const [project, counts] of this.lastCounts)
          for (const state of LIFECYCLE_STATES) g.set({ project, state }, counts[state] ?? 0);
      },
    );
  }

  async sweep(): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { projects: 0, flags: 0, notified: 0, archived: 0, changeRequests: 0, failed: 0 };
    const reader = automationActor('lifecycle sweep');
    for (const key of await this.repo.projectKeys()) {
      try {
        const project = await this.projects.require(reader, key);
        await this.sweepProject(project, outcome);
        outcome.projects++;
      } catch (e) {
        outcome.failed++;
        this.logger.warn(`lifecycle sweep of project ${key} failed: ${(e as Error).message}`);
      }
    }
    return outcome;
  }

  private async sweepProject(project: ProjectContext, outcome: SweepOutcome): Promise<void> {
    const now = this.clock.now();
    const settings = await this.states.settings(project);
    const computed = await this.states.compute(project);
    const rows = await this.repo.statuses(computed.map((c) => c.flagId));
    const counts: Record<string, number> = {};
    for (const c of computed) counts[c.lifecycle.state] = (counts[c.lifecycle.state] ?? 0) + 1;
    this.lastCounts.set(project.key, counts);
    for (const c of computed) {
      outcome.flags++;
      const before = rows.get(c.flagId);
      const step = sweepStep(before, c.lifecycle.state, settings.archival, now);
      const next: FlagLifecycleStatusRecord = { flagId: c.flagId, ...step.next };
      if (step.notify) {
        await this.webhooks.emit('flag.ready_for_cleanup', {
          projectKey: project.key,
          flagKey: c.flagKey,
          state: c.lifecycle.state,
          reasons: c.lifecycle.reasons,
          environments: c.lifecycle.environments,
          codeReferenceCount: c.codeReferenceCount,
          staleSince: next.staleSince!.toISOString(),
        });
        next.notifiedAt = now;
        outcome.notified++;
        this.logger.log(
          `flag ${project.key}/${c.flagKey} is stale: ${c.lifecycle.reasons.map((r) => r.message).join('; ')}`,
        );
      }
      if (step.archive) await this.applyPolicy(project, c, settings, next, outcome);
      if (!before || !sameSweepStatus(before, next)) await this.repo.saveStatus(next);
    }
  }

  private async applyPolicy(
    project: ProjectContext,
    c: ComputedLifecycle,
    settings: LifecycleSettings,
    status: FlagLifecycleStatusRecord,
    outcome: SweepOutcome,
  ): Promise<void> {
    const actor = automationActor(`lifecycle archival policy of project ${project.key}`);
    const comment = `archived by the lifecycle policy: ${c.lifecycle.reasons.map((r) => r.message).join('; ')}`.slice(
      0,
      4000,
    );
    try {
      const gated = await this.gatedEnvironment(actor, project, c.flagKey);
      if (gated || settings.archival.mode === 'change_request') {
        const envKey = gated ?? project.environments[0]?.key;
        if (!envKey) return;
        const cr = await this.changeRequests.create(actor, 'flag', project.key, envKey, c.flagKey, {
          description: comment,
          instructions: ARCHIVE,
        });
        status.archivalChangeRequestId = cr.id;
        outcome.changeRequests++;
        this.logger.log(`archival change request ${cr.id} opened for ${project.key}/${c.flagKey} in ${envKey}`);
        return;
      }
      await this.writes.patch(actor, project.key, c.flagKey, { instructions: ARCHIVE, comment });
      status.state = 'archived';
      outcome.archived++;
      this.logger.log(
        `flag ${project.key}/${c.flagKey} archived by the lifecycle policy (stale since ${status.staleSince?.toISOString()})`,
      );
    } catch (e) {
      outcome.failed++;
      this.logger.warn(`lifecycle archival of ${project.key}/${c.flagKey} failed: ${(e as Error).message}`);
    }
  }

  /** The first environment (critical ones first) where archiving the flag requires approval, if any. */
  private async gatedEnvironment(actor: Actor, project: ProjectContext, flagKey: string): Promise<string | undefined> {
    const ordered = [...project.environments].sort((a, b) => Number(b.critical) - Number(a.critical));
    for (const env of ordered) {
      const preview = await this.flagWriter.dryRun(actor, project, env, flagKey, ARCHIVE, { authorize: false });
      if (preview.reasons.length) return env.key;
    }
    return undefined;
  }
}
