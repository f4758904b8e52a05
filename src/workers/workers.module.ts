import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../modules/approvals/approvals.module';
import { DeliveryModule } from '../modules/delivery/delivery.module';
import { ApplyScheduledChangeRequestHandler } from './apply-scheduled-change-request.handler';
import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { JOB_HANDLERS } from './job-handler';
import { PruneRetentionHandler } from './prune-retention.handler';
import { VerifyAuditChainHandler } from './verify-audit-chain.handler';
import { WorkerHostService } from './worker-host.service';

const HANDLERS = [VerifyAuditChainHandler, DeliverWebhookHandler, PruneRetentionHandler, ApplyScheduledChangeRequestHandler];

@Module({
  imports: [DeliveryModule, ApprovalsModule],
  providers: [
    ...HANDLERS,
    { provide: JOB_HANDLERS, useFactory: (...hs: unknown[]) => hs, inject: HANDLERS },
    WorkerHostService,
  ],
})
export class WorkersModule {}
