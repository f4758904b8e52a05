import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import type { ActionName, Decision, ResourceRef } from '../../core/policy';
import type { Actor } from './models/actor';

/** The one helper services call to authorize; it throws 403 with the policy's explanation. */
@Injectable()
export class AuthorizationService {
  assert(actor: Actor, action: ActionName, resource: ResourceRef): void {
    if (actor.policy.can(action, resource)) return;
    const d = actor.policy.explain(action, resource);
    throw new DomainError('auth/forbidden', d.reason);
  }

  can(actor: Actor, action: ActionName, resource: ResourceRef): boolean {
    return actor.policy.can(action, resource);
  }

  explain(actor: Actor, action: ActionName, resource: ResourceRef): Decision {
    return actor.policy.explain(action, resource);
  }
}
