import { DomainError, isError } from '../../core/errors';
import type { ResourceRef } from '../../core/policy';
import type { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { identityOf } from './change-request-scope';
import type { ChangeRequestRow } from './change-requests.repository';

/**
 * The refusals the change-request services share between doing a thing and saying whether the
 * caller may do it (GET /change-requests/{id} `actions`): one rule, two uses, so the console's
 * buttons never promise what the API refuses.
 */

/** An authorization check as a refusal: the 403 that `assert` would throw, or null. */
export function authzRefusal(
  authz: Pick<AuthorizationService, 'assert'>,
  actor: Actor,
  action: Parameters<AuthorizationService['assert']>[1],
  resource: ResourceRef,
): DomainError | null {
  try {
    authz.assert(actor, action, resource);
    return null;
  } catch (err) {
    if (isError(err, 'auth/forbidden')) return err;
    throw err;
  }
}

/** Only the requester edits, rebases or cancels a request, or someone who could bypass approval anyway. */
export function ownerRefusal(
  authz: Pick<AuthorizationService, 'can'>,
  actor: Actor,
  row: ChangeRequestRow,
  resource: ResourceRef,
  verb: string,
): DomainError | null {
  if (identityOf(actor) === row.requesterId || authz.can(actor, 'bypassRequiredApproval', resource)) return null;
  return new DomainError(
    'change_request/not_requester',
    `only the requester (or someone allowed bypassRequiredApproval) may ${verb} this change request`,
  );
}

/** The resource moved since the request's base version: applying needs a rebase (or an override). */
export function staleRefusal(row: ChangeRequestRow, currentVersion: number): DomainError | null {
  if (currentVersion === row.baseVersion) return null;
  return new DomainError(
    'change_request/conflict',
    `${row.resourceKind} '${row.resourceKey}' changed since version ${row.baseVersion} (now ${currentVersion}); ` +
      'rebase the request (its reviews reset) or apply with override',
  );
}
