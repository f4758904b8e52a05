import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { ProjectsModule } from '../projects/projects.module';
import { FlagWriteService } from './flag-write.service';
import { FlagsController } from './flags.controller';
import { FlagsRepository } from './flags.repository';
import { FlagsService } from './flags.service';

@Module({
  imports: [AccountsModule, AuditModule, DeliveryModule, ProjectsModule],
  controllers: [FlagsController],
  providers: [FlagsRepository, FlagsService, FlagWriteService],
  exports: [FlagsService, FlagWriteService, FlagsRepository],
})
export class FlagsModule {}
