import { Inject, Injectable, Logger } from '@nestjs/common';
import { changeRequestContentHash } from '../../core/approval';
import type { ResourceRef } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { QueuesService } from '../../infra/queues/queues.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { ProjectsService } from '../projects/projects.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { WebhookEventsService, type WebhookEventInput } from '../webhooks/webhook-events.service';
import { ResourceWriters, type ResourceWriter } from '../write-path/resource-writer';
import { ChangeRequestsRepository, type ChangeRequestRow } from './change-requests.repository';
import { enqueueScheduledApplies } from './change-request-jobs';
import { changeRequestNotFound, type ChangeRequestScope, type Located } from './change-request-scope';
import { changeRequestView, type ChangeRequestView } from './models/change-request.view';
import { FlagsReadModel } from '../flags/flags.read-model';
import type { Tx } from '../../infra/prisma/tx';

/**
 * What every change-request operation shares: loading a request with its project and environment
 * (the caller must be able to view the project), the writer of the resource it targets, the
 * content hash, history entries and webhook events.
 */
@Injectable()
export class ChangeRequestAccess implements ChangeRequestScope {
  private readonly logger = new Logger('change-requests');

  constructor(
    readonly repo: ChangeRequestsRepository,
    private readonly writers: ResourceWriters,
    private readonly projects: ProjectsService,
    private readonly clock: ClockService,
    private readonly webhooks: WebhookEventsService,
    private readonly queues: QueuesService,
    private readonly metrics: MetricsService,
    private readonly flagsRead: FlagsReadModel,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  /** Requests as responses show them: the variations they refer to named, with one read of flags for all. */
  async views(rows: ChangeRequestRow[]): Promise<ChangeRequestView[]> {
    const refs = rows
      .filter((r) => r.resourceKind === 'flag')
      .map((r) => ({ projectKey: r.project.key, key: r.resourceKey }));
    const variations = await this.flagsRead.variationsOf(refs);
    return rows.map((r) =>
      changeRequestView(
        r,
        r.resourceKind === 'flag' ? (variations.get(`${r.project.key}/${r.resourceKey}`) ?? []) : [],
      ),
    );
  }

  async view(row: ChangeRequestRow): Promise<ChangeRequestView> {
    return (await this.views([row]))[0];
  }

  async load(actor: Actor, id: string): Promise<{ row: ChangeRequestRow; at: Located }> {
    const row = await this.repo.find(id);
    if (!row) throw changeRequestNotFound(id);
    const project = await this.projects.require(actor, row.project.key);
    // A request is seen only by whoever may view its environment (read access as narrow as write access).
    return { row, at: { project, env: this.projects.requireVisibleEnvironment(actor, project, row.environment.key) } };
  }

  /** The request's project and environment; read in `tx` when the caller holds one (no second connection). */
  async locate(actor: Actor, projectKey: string, envKey: string, tx?: Tx): Promise<Located> {
    const project = await this.projects.require(actor, projectKey, tx);
    return { project, env: this.projects.requireEnvironment(project, envKey) };
  }

  /** The writer of a request's resource kind (as stored on the request, or as the route names it). */
  writer(kind: string): ResourceWriter {
    return this.writers.get(kind);
  }

  /** The policy resource of the request's target, with its current tags. */
  resource(kind: string, at: Located, key: string): Promise<ResourceRef> {
    return this.writer(kind).resourceRef(at.project, at.env, key);
  }

  hash(
    kind: string,
    key: string,
    envKey: string,
    baseVersion: number,
    instructions: unknown,
    executionDate: Date | null,
  ): string {
    return changeRequestContentHash({
      resourceKind: kind,
      resourceKey: key,
      environmentKey: envKey,
      baseVersion,
      instructions,
      executionDate: executionDate?.toISOString() ?? null,
    });
  }

  historyEntry(actor: Actor, status: string, note: string) {
    return { at: this.clock.now().toISOString(), status, actor: actorRef(actor), note };
  }

  now(): Date {
    return this.clock.now();
  }

  /** After commit: a request that became scheduled gets its alarm clock (the worker's sweep covers a lost one). */
  schedule(row: ChangeRequestRow): void {
    if (row.status !== 'scheduled') return;
    void enqueueScheduledApplies(this.queues, [row], this.clock.now()).catch((e: Error) =>
      this.logger.warn(`change request ${row.id} not scheduled now (the worker's start-up sweep will): ${e.message}`),
    );
  }

  record(
    tx: Tx,
    events: WebhookEvent[],
    row: ChangeRequestRow,
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): Promise<string[]> {
    return this.webhooks.record(tx, this.webhookEvents(events, row, actor, extra));
  }

  announce(events: WebhookEvent[], deliveries: string[]): void {
    this.count(events);
    this.webhooks.wakeAfterCommit(deliveries, events.join(', '));
  }

  /** gantry_change_request_events_total, once the events are committed. */
  count(events: WebhookEvent[]): void {
    for (const event of events) this.metrics.changeRequests.inc({ event: event.replace('change_request.', '') });
  }

  /** The webhook events (with their payload) of a change to this request. */
  webhookEvents(
    events: WebhookEvent[],
    row: ChangeRequestRow,
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): WebhookEventInput[] {
    const v = changeRequestView(row);
    const payload = {
      id: v.id,
      status: v.status,
      projectKey: v.projectKey,
      environmentKey: v.environmentKey,
      resourceKind: v.resourceKind,
      resourceKey: v.resourceKey,
      description: v.description,
      requester: v.requester,
      actor: actorRef(actor),
      approvals: v.approvals,
      // Where a person reviews it: the console's page for this request (GANTRY_PUBLIC_URL names the address).
      consoleUrl: `${this.config.identity.publicUrl}/ui/change-requests/${v.id}`,
      ...extra,
    };
    return events.map((event) => ({ event, payload }));
  }
}
