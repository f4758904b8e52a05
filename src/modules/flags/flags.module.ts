import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ProjectsModule } from '../projects/projects.module';
import { FlagWriteService } from './flag-write.service';
import { FlagsReadModule } from './flags-read.module';
import { FlagsController } from './flags.controller';
import { FlagsRepository } from './flags.repository';
import { FlagsService } from './flags.service';
import { FlagsResolver } from './flags.resolver';
import { PrerequisiteResolver } from './prerequisite.resolver';

@Module({
  imports: [AccountsModule, AuditModule, OutboxModule, ProjectsModule, FlagsReadModule],
  controllers: [FlagsController],
  providers: [FlagsRepository, FlagsService, FlagWriteService, FlagsResolver, PrerequisiteResolver],
  exports: [FlagsService, FlagWriteService, FlagsReadModule],
})
export class FlagsModule {}
