import { DomainError } from '../../core/errors';
import type { Deployment, DeploymentCursor } from './deployment-records';

/** Keyset cursor of deployment pages: `<createdAt ISO>~<id>` of the last row of the previous page. */
export const deploymentCursor = (d: Pick<Deployment, 'createdAt' | 'id'>) => `${d.createdAt.toISOString()}~${d.id}`;

export function parseDeploymentCursor(cursor: string): DeploymentCursor {
  const m =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      cursor,
    );
  const createdAt = m ? new Date(m[1]) : undefined;
  if (!m || !createdAt || Number.isNaN(createdAt.getTime()))
    throw new DomainError('deployment/invalid_cursor', 'before must be the `next` value of a previous page');
  return { createdAt, id: m[2] };
}
