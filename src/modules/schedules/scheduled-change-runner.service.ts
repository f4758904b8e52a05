import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { waitUntilDue } from '../../infra/queues/alarm-jobs';
import { QueuesService } from '../../infra/queues/queues.service';
import { automationActor } from '../accounts/system-actor';
import { AuditService } from '../audit/audit.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { scheduleAlarms } from './scheduled-changes.service';
import { scheduledChangeView } from './models/scheduled-change.view';
import type { ScheduledChange, ScheduledChangeCreator } from './scheduled-change-records';
import { SchedulesRepository } from './schedules.repository';
import { flagResource, formatResource } from '../../core/policy';
import { mintPreApproval } from '../write-path/pre-approval';

const SWEEP_LIMIT = 100_000;

/**
 * Runs due scheduled changes for the worker: exactly once (row lock + status check in the same
 * transaction as the write), never early, and never partially: the instructions are re-validated
 * by the write path, and a refusal marks the schedule failed with the per-instruction reason.
 */
@Injectable()
export class ScheduledChangeRunner {
  private readonly logger = new Logger('scheduled-changes');

  constructor(
    private readonly repo: SchedulesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
    private readonly webhooks: WebhookEventsService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Start-up sweep: overdue schedules run here and now, oldest first (their alarms may be held by
   * a worker that died, which BullMQ only notices after its lock expires); later ones get their
   * alarms again. Running one twice is harmless: run() locks the row and checks its status.
   */
  async sweep(): Promise<{ ran: number; alarms: number }> {
    const pending = await this.repo.pending(SWEEP_LIMIT);
    const now = this.clock.now();
    const due = pending.filter((p) => p.executionDate <= now);
    const later = pending.filter((p) => p.executionDate > now);
    await scheduleAlarms(this.queues, later, now);
    // Two passes: one that lost a race for a connection or a lock (busy start-up) gets another go.
    let left = due;
    for (let pass = 0; pass < 2 && left.length; pass++) {
      const failed: typeof due = [];
      for (const p of left) {
        await this.run(p.id).catch((e: Error) => {
          failed.push(p);
          this.logger.warn(
            `overdue scheduled change ${p.id} not applied by the sweep (pass ${pass + 1}): ${e.message}`,
          );
        });
      }
      left = failed;
    }
    return { ran: due.length, alarms: later.length };
  }

  async run(id: string): Promise<'applied' | 'failed' | 'skipped' | 'not_due'> {
    const row = await this.repo.find(id);
    if (!row || row.status !== 'pending') return 'skipped';
    if (!(await waitUntilDue(row.executionDate, () => this.clock.now()))) return 'not_due';
    const outcome = await this.runDue(id, row);
    if (outcome !== 'skipped') {
      this.metrics.automation.inc({ kind: 'scheduled_change', outcome });
      this.metrics.scheduleLateness.observe(
        { kind: 'scheduled_change' },
        (this.clock.now().getTime() - row.executionDate.getTime()) / 1000,
      );
    }
    return outcome;
  }

  private async runDue(id: string, row: ScheduledChange): Promise<'applied' | 'failed' | 'skipped'> {
    const creator = row.createdBy;
    const actor = automationActor(`scheduled change ${id} by ${creator.name}`);
    try {
      const applied = await this.repo.transaction((tx) => this.applyInTx(tx, actor, id, creator));
      if (applied) this.emit('scheduled_change.applied', applied);
      return applied ? 'applied' : 'skipped';
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await this.fail(actor, id, err);
      return 'failed';
    }
  }

  private async applyInTx(
    tx: Tx,
    actor: ReturnType<typeof automationActor>,
    id: string,
    creator: ScheduledChangeCreator,
  ): Promise<ScheduledChange | null> {
    const locked = await this.repo.findForUpdate(tx, id);
    if (!locked || locked.status !== 'pending') return null;
    const project = await this.projects.require(actor, locked.projectKey);
    const env = this.projects.requireEnvironment(project, locked.environmentKey);
    const result = await this.flags.applyPreApproved(tx, actor, project, env, locked.flagKey, {
      instructions: locked.instructions as unknown[],
      comment: locked.comment || `scheduled change ${id}`,
      // Only a schedule made with bypass carries the approval; any other is gated by the write path
      // when due, so one made before its environment became gated does not slip through.
      preApproved: mintPreApproval({
        ...(creator.bypass ? { environmentKey: env.key } : {}),
        links: { scheduledChange: { id, createdBy: creator } },
      }),
    });
    return this.repo.update(tx, id, { status: 'applied', appliedVersion: result.version, appliedAt: this.clock.now() });
  }

  private async fail(actor: ReturnType<typeof automationActor>, id: string, err: DomainError): Promise<void> {
    const failed = await this.repo.transaction(async (tx) => {
      const locked = await this.repo.findForUpdate(tx, id);
      if (!locked || locked.status !== 'pending') return null;
      const next = await this.repo.update(tx, id, {
        status: 'failed',
        failure: { code: err.code, message: err.message, errors: err.errors ?? [] },
      });
      await this.audit.record(tx, actor, {
        action: 'applyScheduledChange',
        resource: formatResource(
          flagResource(locked.projectKey, { key: locked.environmentKey, critical: false }, locked.flagKey),
        ),
        comment: `failed: ${err.message}`,
        after: { status: 'failed', code: err.code, errors: err.errors ?? [] },
        links: { scheduledChange: id },
      });
      return next;
    });
    if (failed) this.emit('scheduled_change.failed', failed);
  }

  private emit(event: 'scheduled_change.applied' | 'scheduled_change.failed', row: ScheduledChange): void {
    void this.webhooks
      .emit(event, scheduledChangeView(row))
      .catch((e: Error) => this.logger.warn(`${event} for ${row.id} not emitted: ${e.message}`));
  }
}
