import { DomainError } from '../../core/errors';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { WebhookEvent } from '../webhooks/webhook-events';
import type { ChangeRequestRow } from './change-requests.repository';
import type { ChangeRequestView } from './models/change-request.view';

/** Where a change request lives. */
export interface Located {
  project: ProjectContext;
  env: EnvironmentContext;
}

/** Who a review or request belongs to: the member behind a personal token, else the service token. */
export const identityOf = (actor: Actor): string => actor.memberId ?? actor.id;

export const changeRequestNotFound = (id: string) =>
  new DomainError('change_request/not_found', `change request '${id}' was not found`);

/**
 * What applying a request needs around it, beside its store and its resource's writer: locating
 * its project and environment for the caller, history entries, the clock, and events after
 * commit. ChangeRequestAccess implements it; this file stays free of Nest so unit specs load it.
 */
export interface ChangeRequestScope {
  locate(actor: Actor, projectKey: string, envKey: string): Promise<Located>;
  historyEntry(actor: Actor, status: string, note: string): unknown;
  now(): Date;
  /** The request as responses show it: its variations named. */
  view(row: ChangeRequestRow): Promise<ChangeRequestView>;
  /** After commit; never fails the operation that caused it. */
  emit(events: WebhookEvent[], row: ChangeRequestRow, actor: Actor, extra?: Record<string, unknown>): void;
}
