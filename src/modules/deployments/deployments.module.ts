import { Logger, Module } from '@nestjs/common';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthorizationService } from '../accounts/authorization.service';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { FlagsModule } from '../flags/flags.module';
import { FlagsReadModel } from '../flags/flags.read-model';
import { ProjectsModule } from '../projects/projects.module';
import { ProjectsService } from '../projects/projects.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { DeploymentSignals } from './deployment-signals';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsRepository } from './deployments.repository';
import { DeploymentsService } from './deployments.service';

/**
 * Deploy signals from CI: recorded deployments and the listeners that react to them. Release plans
 * import this module and subscribe to DeploymentSignals; this module never imports them.
 */
@Module({
  imports: [AccountsModule, AuditModule, ProjectsModule, FlagsModule],
  controllers: [DeploymentsController],
  providers: [
    DeploymentSignals,
    DeploymentsRepository,
    {
      provide: DeploymentsService,
      useFactory: (
        repo: DeploymentsRepository,
        projects: ProjectsService,
        flags: FlagsReadModel,
        authz: AuthorizationService,
        audit: AuditService,
        signals: DeploymentSignals,
        webhooks: WebhookEventsService,
        metrics: MetricsService,
        clock: ClockService,
      ) =>
        new DeploymentsService({
          repo,
          projects,
          flags,
          authz,
          audit,
          signals,
          webhooks,
          metrics,
          clock,
          logger: new Logger('deployments'),
        }),
      inject: [
        DeploymentsRepository,
        ProjectsService,
        FlagsReadModel,
        AuthorizationService,
        AuditService,
        DeploymentSignals,
        WebhookEventsService,
        MetricsService,
        ClockService,
      ],
    },
  ],
  exports: [DeploymentSignals],
})
export class DeploymentsModule {}
