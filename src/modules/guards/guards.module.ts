import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { ProjectsModule } from '../projects/projects.module';
import { GuardService } from './guard.service';
import { GuardsRepository } from './guards.repository';
import { MetricDefinitionsService } from './metric-definitions.service';
import { MetricsController } from './metrics.controller';

/** Metric definitions and the guard that judges a guarded release's new variation against the old. */
@Module({
  imports: [AccountsModule, AuditModule, ProjectsModule],
  controllers: [MetricsController],
  providers: [GuardsRepository, MetricDefinitionsService, GuardService],
  exports: [GuardService],
})
export class GuardsModule {}
