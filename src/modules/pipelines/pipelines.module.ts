import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AuditModule } from '../audit/audit.module';
import { AutomationModule } from '../automation/automation.module';
import { FlagsModule } from '../flags/flags.module';
import { GuardsModule } from '../guards/guards.module';
import { ProjectsModule } from '../projects/projects.module';
import { ReleasesModule } from '../releases/releases.module';
import { PipelinePhaseActions } from './pipeline-phase-actions';
import { PipelineRunner } from './pipeline-runner.service';
import { PipelineRunsService } from './pipeline-runs.service';
import { PipelinesController } from './pipelines.controller';
import { PipelinesRepository } from './pipelines.repository';
import { PipelinesService } from './pipelines.service';
import { AutomationGate } from '../write-path/automation-gate';
import { DeploymentsModule } from '../deployments/deployments.module';
import { FlagsReadModule } from '../flags/flags-read.module';
import { InsightsModule } from '../insights/insights.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ReleasePlanSignals } from './release-plan-signals';
import { ReleasePlansController } from './release-plans.controller';
import { ReleasePlansService } from './release-plans.service';

/** Release plans (and the legacy pipeline endpoints over them): definitions, runs, the runner the worker drives, deploy-signal triggers. */
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
    DeploymentsModule,
    FlagsReadModule,
    InsightsModule,
    WebhooksModule,
  ],
  controllers: [PipelinesController, ReleasePlansController],
  providers: [
    AutomationGate,
    PipelinesRepository,
    PipelinesService,
    ReleasePlansService,
    PipelineRunsService,
    PipelinePhaseActions,
    PipelineRunner,
    ReleasePlanSignals,
  ],
  exports: [PipelineRunner],
})
export class PipelinesModule {}
