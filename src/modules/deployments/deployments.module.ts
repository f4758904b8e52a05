import { Module } from '@nestjs/common';
import { DeploymentSignals } from './deployment-signals';

/** Deploy signals from CI: recorded deployments and the listeners that react to them. */
@Module({
  providers: [DeploymentSignals],
  exports: [DeploymentSignals],
})
export class DeploymentsModule {}
