import { Injectable } from '@nestjs/common';
import { flagResource, formatResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { QueuesService } from '../../infra/queues/queues.service';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, RunOrigin, RunResult } from '../automation/automation-definition';
import { AutomationRunner } from '../automation/automation-runner';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { scheduledChangeView } from './models/scheduled-change.view';
import { scheduleAlarms } from './schedule-jobs';
import type { ScheduledChange } from './scheduled-change-records';
import { SchedulesRepository } from './schedules.repository';

const SWEEP_LIMIT = 100_000;

type Done = { outcome: 'applied'; row: ScheduledChange; event: 'scheduled_change.applied' };

const creatorOf = (row: ScheduledChange) => row.createdBy;

/**
 * Scheduled changes as automation (AutomationRunner runs them exactly once, never early): when due,
 * the instructions go through the write path, validated again, and a refusal marks the schedule
 * failed with the per-instruction reason.
 */
@Injectable()
export class ScheduledChangeRunner {
  private readonly automation: AutomationDefinition<string, ScheduledChange, Done>;

  constructor(
    private readonly repo: SchedulesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly webhooks: WebhookEventsService,
    private readonly runner: AutomationRunner,
  ) {
    this.automation = {
      kind: 'scheduled_change',
      id: (id) => id,
      find: (id) => this.repo.find(id),
      transaction: (fn) => this.repo.transaction(fn),
      lock: (tx, id) => this.repo.findForUpdate(tx, id),
      isPending: (row) => row.status === 'pending',
      dueAt: (row) => row.executionDate,
      resource: (row) =>
        formatResource(flagResource(row.projectKey, { key: row.environmentKey, critical: false }, row.flagKey)),
      actor: (row) => automationActor(`scheduled change ${row.id} by ${creatorOf(row).name}`),
      // Only a schedule made with bypass carries the approval; any other is gated by the write path
      // when due, so one made before its environment became gated does not slip through.
      grant: (row) => ({
        ...(creatorOf(row).bypass ? { environmentKey: row.environmentKey } : {}),
        links: { scheduledChange: { id: row.id, createdBy: creatorOf(row) } },
      }),
      apply: async (tx, row, { actor, approve }) => {
        const project = await this.projects.require(actor, row.projectKey, tx);
        const env = this.projects.requireEnvironment(project, row.environmentKey);
        const result = await this.flags.applyPreApproved(tx, actor, project, env, row.flagKey, {
          instructions: row.instructions,
          comment: row.comment || `scheduled change ${row.id}`,
          preApproved: approve(),
        });
        const applied = await this.repo.update(tx, row.id, {
          status: 'applied',
          appliedVersion: result.version,
          appliedAt: this.clock.now(),
        });
        return { outcome: 'applied', row: applied, event: 'scheduled_change.applied' };
      },
      // The actor: the schedule's creator, on whose behalf it ran.
      notify: (row, event) =>
        event && this.webhooks.emit(event, { ...scheduledChangeView(row), actor: creatorOf(row) }),
      failure: {
        mark: async (tx, row, err) =>
          row.status !== 'pending'
            ? null
            : this.repo.update(tx, row.id, {
                status: 'failed',
                failure: { code: err.code, message: err.message, errors: err.errors ?? [] },
              }),
        audit: {
          action: 'applyScheduledChange',
          links: (row) => ({ scheduledChange: row.id }),
          details: (err) => ({ errors: err.errors ?? [] }),
        },
        event: 'scheduled_change.failed',
      },
    };
  }

  /** Start-up sweep (see AutomationRunner.sweep). */
  sweep(): Promise<{ ran: number; alarms: number }> {
    return this.runner.sweep(this.automation, {
      list: () => this.repo.pending(SWEEP_LIMIT),
      key: (p) => p.id,
      dueAt: (p) => p.executionDate,
      alarm: (later, now) => scheduleAlarms(this.queues, later, now),
    });
  }

  run(id: string, origin?: RunOrigin): Promise<RunResult<Done>> {
    return this.runner.run(this.automation, id, origin);
  }
}
