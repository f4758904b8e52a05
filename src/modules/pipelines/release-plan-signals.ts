import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DeploymentSignals } from '../deployments/deployment-signals';
import { PipelineRunsService } from './pipeline-runs.service';

/** Deploy signals start the release plan phases waiting for a deploy of their service (README "Release plans"). */
@Injectable()
export class ReleasePlanSignals implements OnModuleInit {
  constructor(
    private readonly signals: DeploymentSignals,
    private readonly runs: PipelineRunsService,
  ) {}

  onModuleInit(): void {
    this.signals.subscribe('release-plans', (d) => this.runs.onDeployment(d));
  }
}
