import { Injectable, Logger } from '@nestjs/common';
import { ClockService } from '../../infra/clock/clock.service';
import { QueuesService } from '../../infra/queues/queues.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { setStepAlarms } from './release-jobs';
import { releaseView } from './models/release.view';
import type { Release, ReleaseHistoryEntry } from './release-records';

/** After-commit side effects of release changes (alarms, webhooks) and their history entries. */
@Injectable()
export class ReleaseNotifier {
  private readonly logger = new Logger('releases');

  constructor(
    private readonly queues: QueuesService,
    private readonly webhooks: WebhookEventsService,
    private readonly clock: ClockService,
  ) {}

  history(row: Release, actor: Actor, status: string, note: string): ReleaseHistoryEntry[] {
    return [
      ...row.history,
      { at: this.clock.now().toISOString(), status, stage: row.currentStage, actor: actorRef(actor), note },
    ];
  }

  /** Alarms for the next steps of running releases (the worker's sweep). */
  alarms(rows: { id: string; currentStage: number; nextStepAt: Date | null }[]): Promise<void> {
    return setStepAlarms(this.queues, rows, this.clock.now());
  }

  /** A running release gets the alarm for its next step; a webhook tells subscribers what happened. */
  after(row: Release, event?: WebhookEvent): void {
    // A release a change freeze holds is paused with an alarm at the freeze's end.
    if (row.status === 'running' || (row.status === 'paused' && row.nextStepAt)) {
      void setStepAlarms(this.queues, [row], this.clock.now()).catch((e: Error) =>
        this.logger.warn(`release ${row.id}: next step not scheduled now (the worker's sweep will): ${e.message}`),
      );
    }
    if (event)
      void this.webhooks
        // Who caused it: the person or automation of the transition just recorded (the stepper records its own).
        .emit(event, { ...releaseView(row), actor: row.history.at(-1)?.actor ?? row.createdBy })
        .catch((e: Error) => this.logger.warn(`${event} for release ${row.id} not emitted: ${e.message}`));
  }
}
