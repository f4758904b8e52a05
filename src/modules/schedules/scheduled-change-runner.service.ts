import { Injectable } from '@nestjs/common';
import type { DomainError } from '../../core/errors';
import { flagResource, formatResource } from '../../core/policy';
import { planOccurrences } from '../../core/schedule/occurrence-plan';
import type { Tx } from '../../infra/prisma/tx';
import { ClockService } from '../../infra/clock/clock.service';
import { QueuesService } from '../../infra/queues/queues.service';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, RunContext, RunOrigin, RunResult } from '../automation/automation-definition';
import { AutomationRunner, type SweepOptions } from '../automation/automation-runner';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import { scheduledChangeView } from './models/scheduled-change.view';
import { scheduleAlarms } from './schedule-jobs';
import type { OccurrenceOutcome, ScheduledChange, ScheduledChangeFailure } from './scheduled-change-records';
import { SchedulesRepository } from './schedules.repository';

const SWEEP_LIMIT = 100_000;

type Done = { outcome: 'applied' | 'unchanged'; row: ScheduledChange; event: 'scheduled_change.applied' };

const creatorOf = (row: ScheduledChange) => row.createdBy;
const recurrenceOf = (row: ScheduledChange) =>
  row.cron && row.timeZone ? { cron: row.cron, timeZone: row.timeZone } : null;
const failureOf = (err: DomainError): ScheduledChangeFailure => ({
  code: err.code,
  message: err.message,
  errors: err.errors ?? [],
});
/** An occurrence refused by a change freeze is skipped (the schedule goes on); any other refusal failed it. */
const isFreeze = (err: DomainError) => err.code === 'freeze/active';

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
      apply: (tx, row, run) => (recurrenceOf(row) ? this.applyOccurrence(tx, row, run) : this.applyOnce(tx, row, run)),
      // The actor: the schedule's creator, on whose behalf it ran.
      webhooks: (row, event) => [{ event, payload: { ...scheduledChangeView(row), actor: creatorOf(row) } }],
      // A recurring schedule's next alarm is set here, after the commit that moved it on.
      notify: (row) =>
        recurrenceOf(row) && row.status === 'pending'
          ? scheduleAlarms(this.queues, [row], this.clock.now())
          : undefined,
      failure: {
        mark: async (tx, row, err) => {
          if (row.status !== 'pending') return null;
          // A recurring schedule not due any more: another run already dealt with this occurrence.
          if (recurrenceOf(row))
            return row.executionDate > this.clock.now()
              ? null
              : this.closeOccurrence(tx, row, isFreeze(err) ? 'skipped' : 'failed', { err });
          return this.repo.update(tx, row.id, { status: 'failed', failure: failureOf(err) });
        },
        audit: {
          action: 'applyScheduledChange',
          links: (row) => ({ scheduledChange: row.id }),
          details: (err) => ({ errors: err.errors ?? [] }),
        },
        event: (row, err) =>
          recurrenceOf(row) && isFreeze(err) ? 'scheduled_change.skipped' : 'scheduled_change.failed',
      },
    };
  }

  private async write(tx: Tx, row: ScheduledChange, { actor, approve }: RunContext<void>) {
    const project = await this.projects.require(actor, row.projectKey, tx);
    const env = this.projects.requireEnvironment(project, row.environmentKey);
    return this.flags.applyPreApproved(tx, actor, project, env, row.flagKey, {
      instructions: row.instructions,
      comment: row.comment || `scheduled change ${row.id}`,
      preApproved: approve(),
    });
  }

  private async applyOnce(tx: Tx, row: ScheduledChange, run: RunContext<void>): Promise<Done> {
    const result = await this.write(tx, row, run);
    const applied = await this.repo.update(tx, row.id, {
      status: 'applied',
      appliedVersion: result.version,
      appliedAt: this.clock.now(),
    });
    return { outcome: 'applied', row: applied, event: 'scheduled_change.applied' };
  }

  /** One occurrence of a recurring schedule: the write, the occurrence written down, the schedule moved on. */
  private async applyOccurrence(tx: Tx, row: ScheduledChange, run: RunContext<void>): Promise<Done> {
    const result = await this.write(tx, row, run);
    const outcome = result.outcome === 'unchanged' ? 'unchanged' : 'applied';
    const next = await this.closeOccurrence(tx, row, outcome, { version: result.version });
    return { outcome, row: next, event: 'scheduled_change.applied' };
  }

  /**
   * Writes down the due occurrence (and those missed while no worker ran) and moves the schedule to
   * its next occurrence, in the run's transaction: what makes each occurrence run exactly once.
   */
  private async closeOccurrence(
    tx: Tx,
    row: ScheduledChange,
    outcome: OccurrenceOutcome,
    done: { version?: number; err?: DomainError },
  ): Promise<ScheduledChange> {
    const now = this.clock.now();
    const plan = planOccurrences(recurrenceOf(row)!, row.executionDate, now);
    const failure = done.err && failureOf(done.err);
    await this.repo.recordOccurrences(tx, row.id, [
      ...plan.missed.map((occurrenceAt) => ({ occurrenceAt, outcome: 'missed' as const })),
      { occurrenceAt: plan.apply, outcome, version: done.version, failure },
    ]);
    const next = await this.repo.update(tx, row.id, {
      ...(plan.next ? { executionDate: plan.next } : { status: 'applied' }),
      ...(done.version !== undefined ? { appliedVersion: done.version, appliedAt: now } : {}),
    });
    return { ...next, occurrence: { occurrenceAt: plan.apply, outcome, ...(failure ? { code: failure.code } : {}) } };
  }

  /** Start-up and periodic sweep (see AutomationRunner.sweep). */
  sweep(options?: SweepOptions): Promise<{ ran: number; alarms: number }> {
    return this.runner.sweep(
      this.automation,
      {
        list: () => this.repo.pending(SWEEP_LIMIT),
        key: (p) => p.id,
        dueAt: (p) => p.executionDate,
        alarm: (later, now) => scheduleAlarms(this.queues, later, now),
      },
      options,
    );
  }

  run(id: string, origin?: RunOrigin): Promise<RunResult<Done>> {
    return this.runner.run(this.automation, id, origin);
  }
}
