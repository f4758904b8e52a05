import { DomainError } from '../../core/errors';
import type { Tx } from '../../infra/prisma/tx';
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
 * its project and environment for the caller, history entries, the clock, and its events (written
 * with the change, announced after commit). ChangeRequestAccess implements it; this file stays free of Nest so unit specs load it.
 */
export interface ChangeRequestScope {
  locate(actor: Actor, projectKey: string, envKey: string): Promise<Located>;
  historyEntry(actor: Actor, status: string, note: string): unknown;
  now(): Date;
  /** The request as responses show it: its variations named. */
  view(row: ChangeRequestRow): Promise<ChangeRequestView>;
  /**
   * In the change's transaction: the webhook deliveries of its events, which commit with it or not
   * at all. Returns their ids, for announce().
   */
  record(
    tx: Tx,
    events: WebhookEvent[],
    row: ChangeRequestRow,
    actor: Actor,
    extra?: Record<string, unknown>,
  ): Promise<string[]>;
  /** After commit: the events counted, their deliveries' jobs enqueued. Never fails the operation that caused them. */
  announce(events: WebhookEvent[], deliveries: string[]): void;
}
