import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import {
  canViewEnvironment,
  environmentResource,
  projectResource,
  type ActionName,
  type Decision,
  type EnvironmentInfo,
  type ResourceRef,
  type TaggedKey,
} from '../../core/policy';
import { inSpan } from '../../infra/tracing/tracing';
import { SPAN } from '../../infra/tracing/spans';
import type { Actor } from './models/actor';

/** The one helper services call to authorize; it throws 403 with the policy's explanation. */
@Injectable()
export class AuthorizationService {
  assert(actor: Actor, action: ActionName, resource: ResourceRef): void {
    inSpan(
      SPAN.authorize,
      (span) => {
        if (span.isRecording()) span.setAttributes({ 'gantry.action': action, 'gantry.actor.kind': actor.kind });
        if (actor.policy.can(action, resource)) return;
        const d = actor.policy.explain(action, resource);
        throw new DomainError('auth/forbidden', d.reason);
      },
      { childOnly: true },
    );
  }

  can(actor: Actor, action: ActionName, resource: ResourceRef): boolean {
    return actor.policy.can(action, resource);
  }

  /**
   * Read access is as narrow as write access: an environment is seen (in a project view, a flag's
   * `environments`, lists of change requests, schedules, releases, audit entries...) only by whoever
   * may view it (core/policy/visibility.ts says who).
   */
  canViewEnvironment(actor: Actor, project: TaggedKey, env: EnvironmentInfo): boolean {
    return canViewEnvironment(actor.policy, project, env);
  }

  assertViewEnvironment(actor: Actor, project: TaggedKey, env: EnvironmentInfo): void {
    this.assert(actor, 'viewProject', projectResource(project));
    if (!canViewEnvironment(actor.policy, project, env))
      this.assert(actor, 'viewEnvironment', environmentResource(project, env));
  }

  explain(actor: Actor, action: ActionName, resource: ResourceRef): Decision {
    return actor.policy.explain(action, resource);
  }
}
