import { Injectable, Logger } from '@nestjs/common';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import { QueuesService } from '../../infra/queues/queues.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { WebhookEventsService, type WebhookEventInput } from '../webhooks/webhook-events.service';
import { setStepAlarms } from './release-jobs';
import { releaseView } from './models/release.view';
import type { Release, ReleaseHistoryEntry } from './release-records';

/**
 * Release changes' webhook deliveries (written in the change's transaction), their after-commit
 * side effects (alarms, delivery jobs), and their history entries.
 */
@Injectable()
export class ReleaseNotifier {
  private readonly logger = new Logger('releases');

  constructor(
    private readonly queues: QueuesService,
    private readonly webhooks: WebhookEventsService,
    private readonly clock: ClockService,
  ) {}

  /** The history entry of a transition at the row's current stage (ReleaseUpdate.appendHistory adds it). */
  historyEntry(row: Pick<Release, 'currentStage'>, actor: Actor, status: string, note: string): ReleaseHistoryEntry {
    return { at: this.clock.now().toISOString(), status, stage: row.currentStage, actor: actorRef(actor), note };
  }

  /** Alarms for the next steps of running releases (the worker's sweep). */
  alarms(rows: { id: string; currentStage: number; nextStepAt: Date | null }[]): Promise<void> {
    return setStepAlarms(this.queues, rows, this.clock.now());
  }

  /**
   * In the change's transaction: the delivery rows of its webhook event, which commit with it or not
   * at all (a process that dies after the commit loses none). Their ids go to after().
   */
  record(tx: Tx, row: Release, event: WebhookEvent): Promise<string[]> {
    return this.webhooks.record(tx, [this.event(row, event)]);
  }

  /**
   * After commit: a running release gets the alarm for its next step, and the recorded deliveries
   * their jobs (if Redis refuses, the rows stay pending and the delivery worker's sweeps send them).
   */
  after(row: Release, deliveries: string[]): void {
    this.nextStep(row);
    this.webhooks.wakeAfterCommit(deliveries, `release ${row.id}`);
  }

  /** After commit: a running release (or one a change freeze holds, paused until its end) gets the alarm for its next step. */
  nextStep(row: Release): void {
    if (row.status === 'running' || (row.status === 'paused' && row.nextStepAt)) {
      void setStepAlarms(this.queues, [row], this.clock.now()).catch((e: Error) =>
        this.logger.warn(`release ${row.id}: next step not scheduled now (the worker's sweep will): ${e.message}`),
      );
    }
  }

  /** The webhook event of a release change (the stepper records its deliveries in the step's transaction). */
  event(row: Release, event: WebhookEvent): WebhookEventInput {
    // Who caused it: the person or automation of the transition just recorded (the stepper records its own).
    return { event, payload: { ...releaseView(row), actor: row.history.at(-1)?.actor ?? row.createdBy } };
  }
}
