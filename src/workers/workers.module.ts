import { Module } from '@nestjs/common';
import { JOB_HANDLERS } from './job-handler';
import { VerifyAuditChainHandler } from './verify-audit-chain.handler';
import { WorkerHostService } from './worker-host.service';

const HANDLERS = [VerifyAuditChainHandler];

@Module({
  providers: [
    ...HANDLERS,
    { provide: JOB_HANDLERS, useFactory: (...hs: unknown[]) => hs, inject: HANDLERS },
    WorkerHostService,
  ],
})
export class WorkersModule {}
