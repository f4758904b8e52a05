import { flagResource, type ActionName } from '../../core/policy';
import type { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import type { ProjectContext } from '../projects/project-context';

/** Audit resource for flag-level changes, which apply to every environment. */
export const ANY_ENV = { key: '*', critical: false };

/** Flag-level changes (and creating a flag) reach every environment, so the actor must be allowed in each. */
export function assertInEveryEnvironment(
  authz: Pick<AuthorizationService, 'assert'>,
  actor: Actor,
  action: ActionName,
  project: ProjectContext,
  flag: { key: string; tags?: string[] },
): void {
  const envs = project.environments.length
    ? project.environments
    : [{ key: '*', critical: false, tags: [] as string[] }];
  for (const env of envs) authz.assert(actor, action, flagResource(project, env, flag));
}
