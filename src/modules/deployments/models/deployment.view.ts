import type { ActorRef } from '../../accounts/models/actor';
import type { DeploymentEffect } from '../deployment-signals';
import type { Deployment } from '../deployment-records';

export interface DeploymentView {
  id: string;
  projectKey: string;
  environmentKey: string;
  service: string;
  version: string;
  commitSha: string | null;
  url: string | null;
  actor: ActorRef;
  createdAt: string;
}

export interface RecordedDeploymentView extends DeploymentView {
  /** The live flags linked to the service when the signal arrived. */
  flagKeys: string[];
  /** What listeners (release plans) did; empty for a repeated signal. */
  effects: DeploymentEffect[];
  /** The same signal was recorded moments ago: that deployment is answered and nothing was started. */
  repeated: boolean;
}

export const deploymentView = (d: Deployment, projectKey: string): DeploymentView => ({
  id: d.id,
  projectKey,
  environmentKey: d.environmentKey,
  service: d.service,
  version: d.version,
  commitSha: d.commitSha,
  url: d.url,
  actor: d.actor,
  createdAt: d.createdAt.toISOString(),
});
