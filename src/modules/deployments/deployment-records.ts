import type { ActorRef } from '../accounts/models/actor';

/** A stored deployment, with the keys of its project and environment (repositories resolve them). */
export interface Deployment {
  id: string;
  projectId: string;
  environmentId: string;
  environmentKey: string;
  service: string;
  version: string;
  commitSha: string | null;
  url: string | null;
  actor: ActorRef;
  createdAt: Date;
}

/** Keyset position of a page: the last row's creation time and id (ties on the time ordered by id). */
export interface DeploymentCursor {
  createdAt: Date;
  id: string;
}
