import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
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
  providers: [DeploymentSignals, DeploymentsRepository, DeploymentsService],
  exports: [DeploymentSignals],
})
export class DeploymentsModule {}
