import { Injectable, Logger } from '@nestjs/common';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { LifecycleSweepService } from '../modules/lifecycle/lifecycle-sweep.service';
import type { JobHandler } from './job-handler';

const HOUR_MS = 3_600_000;

/**
 * Hourly: flag lifecycle states, `flag.ready_for_cleanup` once per stale period, and each project's
 * archival policy (LifecycleSweepService). The rows are the state; running it twice does nothing new.
 */
@Injectable()
export class LifecycleSweepHandler implements JobHandler {
  readonly queue = QueueName.Maintenance;
  readonly job = JobName.LifecycleSweep;
  readonly everyMs = HOUR_MS;
  private readonly logger = new Logger('lifecycle');

  constructor(private readonly sweeper: LifecycleSweepService) {}

  async handle() {
    const outcome = await this.sweeper.sweep();
    if (outcome.notified || outcome.archived || outcome.changeRequests || outcome.failed)
      this.logger.log(
        `lifecycle sweep: ${outcome.flags} flags in ${outcome.projects} projects; ${outcome.notified} notified, ` +
          `${outcome.archived} archived, ${outcome.changeRequests} archival change requests, ${outcome.failed} failed`,
      );
    return outcome;
  }
}
