import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseMonitor } from '../infra/prisma/database-monitor';
import { ChangeRequestAutomation } from '../modules/approvals/change-request-automation';
import { PipelineRunner } from '../modules/pipelines/pipeline-runner.service';
import { ReleaseStepper } from '../modules/releases/release-stepper.service';
import { ScheduledChangeRunner } from '../modules/schedules/scheduled-change-runner.service';

/**
 * When PostgreSQL answers again after an outage, the start-up sweeps run once more: an alarm that
 * rang while it was away failed and was retried with backoff, and after its last retry only a sweep
 * runs its row. Each run locks its row and checks its status, so a row its job's retry already ran
 * is not run twice.
 */
@Injectable()
export class DatabaseRecoverySweeps implements OnApplicationBootstrap {
  private readonly logger = new Logger('workers');

  constructor(
    private readonly database: DatabaseMonitor,
    private readonly schedules: ScheduledChangeRunner,
    private readonly changeRequests: ChangeRequestAutomation,
    private readonly releases: ReleaseStepper,
    private readonly pipelines: PipelineRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.database.onRecovered(() => void this.sweep());
  }

  private async sweep(): Promise<void> {
    const sweeps: [string, () => Promise<unknown>][] = [
      ['scheduled changes', () => this.schedules.sweep()],
      ['scheduled change requests', () => this.changeRequests.sweep()],
      ['releases', () => this.releases.sweep()],
      ['pipeline runs', () => this.pipelines.sweep()],
    ];
    for (const [what, sweep] of sweeps) {
      try {
        this.logger.log(`sweep of ${what} after PostgreSQL returned: ${JSON.stringify(await sweep())}`);
      } catch (e) {
        this.logger.warn(`sweep of ${what} after PostgreSQL returned failed: ${(e as Error).message}`);
      }
    }
  }
}
