import { Injectable, Logger } from '@nestjs/common';

/**
 * The contract between deploy signals (this module records deployments) and what reacts to them
 * (release plans start the phases whose trigger is a deploy of the service). Listeners register
 * at module init; the deployments module calls them after the deployment row is committed and
 * answers the CI caller with what they did. This module never imports its listeners, so the
 * module graph stays deployments ← release plans.
 */
export interface RecordedDeployment {
  id: string;
  projectId: string;
  projectKey: string;
  environmentId: string;
  environmentKey: string;
  service: string;
  version: string;
  commitSha: string | null;
  url: string | null;
  createdAt: Date;
  /** Keys of the project's flags linked to `service` (by tag or by their explicit list). */
  flagKeys: string[];
  /** Who sent the signal, as the audit log names actors. */
  actor: { kind: string; id: string; name?: string };
}

/** One thing a listener did because of a deployment, reported back to the caller. */
export interface DeploymentEffect {
  flagKey: string;
  /** e.g. `release_plan.phase_started`. */
  kind: string;
  /** e.g. the run id and the phase's environment. */
  detail: Record<string, unknown>;
}

export type DeploymentListener = (deployment: RecordedDeployment) => Promise<DeploymentEffect[]>;

@Injectable()
export class DeploymentSignals {
  private readonly logger = new Logger(DeploymentSignals.name);
  private readonly listeners: { name: string; listener: DeploymentListener }[] = [];

  subscribe(name: string, listener: DeploymentListener): void {
    this.listeners.push({ name, listener });
  }

  /** Runs every listener; one failing does not stop the others (the deployment is recorded). */
  async publish(deployment: RecordedDeployment): Promise<DeploymentEffect[]> {
    const effects: DeploymentEffect[] = [];
    for (const { name, listener } of this.listeners) {
      try {
        effects.push(...(await listener(deployment)));
      } catch (error) {
        this.logger.error({
          msg: 'deployment listener failed',
          listener: name,
          deploymentId: deployment.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return effects;
  }
}
