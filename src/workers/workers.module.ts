import { Module } from '@nestjs/common';
import { DeliveryModule } from '../modules/delivery/delivery.module';
import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { JOB_HANDLERS } from './job-handler';
import { PruneRetentionHandler } from './prune-retention.handler';
import { VerifyAuditChainHandler } from './verify-audit-chain.handler';
import { WorkerHostService } from './worker-host.service';

const HANDLERS = [VerifyAuditChainHandler, DeliverWebhookHandler, PruneRetentionHandler];

@Module({
  imports: [DeliveryModule],
  providers: [
    ...HANDLERS,
    { provide: JOB_HANDLERS, useFactory: (...hs: unknown[]) => hs, inject: HANDLERS },
    WorkerHostService,
  ],
})
export class WorkersModule {}
