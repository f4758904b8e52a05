import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AuditModule } from '../audit/audit.module';
import { AutomationModule } from '../automation/automation.module';
import { FlagsModule } from '../flags/flags.module';
import { GuardsModule } from '../guards/guards.module';
import { ProjectsModule } from '../projects/projects.module';
import { ReleasesModule } from '../releases/releases.module';
import { PipelineRunner } from './pipeline-runner.service';
import { PipelineRunsService } from './pipeline-runs.service';
import { PipelinesController } from './pipelines.controller';
import { PipelinesRepository } from './pipelines.repository';
import { PipelinesService } from './pipelines.service';
import { AutomationGate } from '../write-path/automation-gate';

/** Release pipelines: definitions, runs, and the runner the worker drives. */
@Module({
  imports: [
    AccountsModule,
    AuditModule,
    AutomationModule,
    ProjectsModule,
    FlagsModule,
    GuardsModule,
    ReleasesModule,
    ApprovalsModule,
  ],
  controllers: [PipelinesController],
  providers: [AutomationGate, PipelinesRepository, PipelinesService, PipelineRunsService, PipelineRunner],
  exports: [PipelineRunner],
})
export class PipelinesModule {}
