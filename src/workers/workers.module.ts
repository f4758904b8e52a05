import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../modules/approvals/approvals.module';
import { DeliveryModule } from '../modules/delivery/delivery.module';
import { InsightsModule } from '../modules/insights/insights.module';
import { LifecycleModule } from '../modules/lifecycle/lifecycle.module';
import { LifecycleSweepHandler } from './lifecycle-sweep.handler';
import { ApplyScheduledChangeRequestHandler } from './apply-scheduled-change-request.handler';
import { ApplyScheduledChangeHandler } from './apply-scheduled-change.handler';
import { PipelinesModule } from '../modules/pipelines/pipelines.module';
import { ReleasesModule } from '../modules/releases/releases.module';
import { AdvancePipelineHandler } from './advance-pipeline.handler';
import { SchedulesModule } from '../modules/schedules/schedules.module';
import { StepReleaseHandler } from './step-release.handler';
import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { JOB_HANDLERS } from './job-handler';
import { PruneRetentionHandler } from './prune-retention.handler';
import { VerifyAuditChainHandler } from './verify-audit-chain.handler';
import { WorkerHostService } from './worker-host.service';

const HANDLERS = [
  VerifyAuditChainHandler,
  DeliverWebhookHandler,
  PruneRetentionHandler,
  ApplyScheduledChangeRequestHandler,
  ApplyScheduledChangeHandler,
  StepReleaseHandler,
  AdvancePipelineHandler,
  LifecycleSweepHandler,
];

@Module({
  imports: [
    DeliveryModule,
    ApprovalsModule,
    SchedulesModule,
    ReleasesModule,
    PipelinesModule,
    InsightsModule,
    LifecycleModule,
  ],
  providers: [
    ...HANDLERS,
    { provide: JOB_HANDLERS, useFactory: (...hs: unknown[]) => hs, inject: HANDLERS },
    WorkerHostService,
  ],
})
export class WorkersModule {}
