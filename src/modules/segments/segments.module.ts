import { Module } from '@nestjs/common';
import { FreezesReadModule } from '../freezes/freezes-read.module';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ProjectsModule } from '../projects/projects.module';
import { GuardrailsModule } from '../guardrails/guardrails.module';
import { RESOURCE_WRITER } from '../write-path/resource-writer';
import { SegmentResourceWriter } from './segment-resource-writer';
import { FlagsReadModule } from '../flags/flags-read.module';
import { SegmentWriteService } from './segment-write.service';
import { SegmentReferenceChecks } from './segment-reference-checks';
import { SegmentsReadModule } from './segments-read.module';
import { SegmentsController } from './segments.controller';
import { SegmentsRepository } from './segments.repository';
import { SegmentsService } from './segments.service';
import { SegmentsResolver } from './segments.resolver';

@Module({
  imports: [
    AccountsModule,
    AuditModule,
    OutboxModule,
    ProjectsModule,
    FlagsReadModule,
    SegmentsReadModule,
    GuardrailsModule,
    FreezesReadModule,
  ],
  controllers: [SegmentsController],
  providers: [
    SegmentsRepository,
    SegmentsService,
    SegmentWriteService,
    SegmentReferenceChecks,
    SegmentsResolver,
    { provide: RESOURCE_WRITER.segment, useClass: SegmentResourceWriter },
  ],
  exports: [SegmentsService, SegmentWriteService, RESOURCE_WRITER.segment, SegmentsReadModule],
})
export class SegmentsModule {}
