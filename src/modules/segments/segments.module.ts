import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { ProjectsModule } from '../projects/projects.module';
import { RESOURCE_WRITER } from '../write-path/resource-writer';
import { SegmentResourceWriter } from './segment-resource-writer';
import { SegmentWriteService } from './segment-write.service';
import { SegmentsController } from './segments.controller';
import { SegmentsRepository } from './segments.repository';
import { SegmentsService } from './segments.service';
import { SegmentsResolver } from './segments.resolver';

@Module({
  imports: [AccountsModule, AuditModule, DeliveryModule, ProjectsModule],
  controllers: [SegmentsController],
  providers: [
    SegmentsRepository,
    SegmentsService,
    SegmentWriteService,
    SegmentsResolver,
    { provide: RESOURCE_WRITER.segment, useClass: SegmentResourceWriter },
  ],
  exports: [SegmentsService, SegmentWriteService, RESOURCE_WRITER.segment],
})
export class SegmentsModule {}
