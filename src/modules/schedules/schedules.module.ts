import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { AutomationModule } from '../automation/automation.module';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { ScheduledChangeRunner } from './scheduled-change-runner.service';
import { ScheduledChangesService } from './scheduled-changes.service';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesResolver } from './schedules.resolver';
import { AutomationGate } from '../write-path/automation-gate';

/** Scheduled changes: the REST resource, and the runner the worker calls when one is due. */
@Module({
  imports: [AccountsModule, AuditModule, AutomationModule, ProjectsModule, FlagsModule],
  controllers: [SchedulesController],
  providers: [AutomationGate, SchedulesRepository, ScheduledChangesService, ScheduledChangeRunner, SchedulesResolver],
  exports: [ScheduledChangeRunner],
})
export class SchedulesModule {}
