import { Module } from '@nestjs/common';
import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { JOB_HANDLERS } from './job-handler';
import { VerifyAuditChainHandler } from './verify-audit-chain.handler';
import { WorkerHostService } from './worker-host.service';

const HANDLERS = [VerifyAuditChainHandler, DeliverWebhookHandler];

@Module({
  providers: [
    ...HANDLERS,
    { provide: JOB_HANDLERS, useFactory: (...hs: unknown[]) => hs, inject: HANDLERS },
    WorkerHostService,
  ],
})
export class WorkersModule {}
