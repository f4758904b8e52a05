import { Inject, Injectable } from '@nestjs/common';
import { OUTBOUND_POLICY, OutboundPolicy } from '../../infra/net/outbound-policy';
import { notFound } from '../../core/errors';
import { formatResource, webhookResource } from '../../core/policy';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import type { CreateWebhookDto, UpdateWebhookDto, WebhookDeliveriesQueryDto } from './dto/webhooks.dto';
import { WebhookEventsService } from './webhook-events.service';
import { newWebhookSecret, webhookSecretHint } from './webhook-signature';
import { assertWebhookDestination } from './webhook-url';
import { WebhooksRepository, type Webhook, type WebhookDelivery } from './webhooks.repository';

/** What every response and audit entry shows of a webhook: never the secret, only its hint. */
const view = (w: Webhook) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  secretHint: webhookSecretHint(w.secret),
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  webhookId: d.webhookId,
  event: d.event,
  payload: d.payload,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

const unique = (events: string[]) => [...new Set(events)];

/** Outbound webhooks: who may manage them, and the audited writes. Emitting is WebhookEventsService. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly events: WebhookEventsService,
    @Inject(OUTBOUND_POLICY) private readonly outbound: OutboundPolicy,
  ) {}

  async list(actor: Actor) {
    this.authz.assert(actor, 'manageWebhooks', webhookResource('*'));
    return { items: (await this.repo.list()).map(view) };
  }

  async get(actor: Actor, id: string) {
    this.authz.assert(actor, 'manageWebhooks', webhookResource(id));
    const w = await this.repo.find(id);
    if (!w) throw notFound('webhook', id);
    return view(w);
  }

  async create(actor: Actor, dto: CreateWebhookDto) {
    this.authz.assert(actor, 'manageWebhooks', webhookResource('*'));
    const url = await assertWebhookDestination(this.outbound, dto.url);
    const secret = dto.secret ?? newWebhookSecret();
    const created = await this.repo.transaction(async (tx) => {
      const w = await this.repo.create(tx, {
        name: dto.name,
        url,
        secret,
        events: unique(dto.events),
        enabled: dto.enabled ?? true,
      });
      await this.audit.record(tx, actor, {
        action: 'createWebhook',
        resource: formatResource(webhookResource(w.id)),
        after: view(w),
      });
      return w;
    });
    this.events.invalidate();
    return { ...view(created), secret };
  }

  async update(actor: Actor, id: string, dto: UpdateWebhookDto) {
    this.authz.assert(actor, 'manageWebhooks', webhookResource(id));
    const url = dto.url === undefined ? undefined : await assertWebhookDestination(this.outbound, dto.url);
    const after = await this.repo.transaction(async (tx) => {
      const before = await this.repo.find(id, tx);
      if (!before) throw notFound('webhook', id);
      const w = await this.repo.update(tx, id, {
        name: dto.name,
        url,
        events: dto.events && unique(dto.events),
        enabled: dto.enabled,
      });
      await this.audit.record(tx, actor, {
        action: 'updateWebhook',
        resource: formatResource(webhookResource(id)),
        before: view(before),
        after: view(w),
      });
      return w;
    });
    this.events.invalidate();
    return view(after);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    this.authz.assert(actor, 'manageWebhooks', webhookResource(id));
    await this.repo.transaction(async (tx) => {
      const before = await this.repo.find(id, tx);
      if (!before) throw notFound('webhook', id);
      await this.repo.delete(tx, id);
      await this.audit.record(tx, actor, {
        action: 'deleteWebhook',
        resource: formatResource(webhookResource(id)),
        before: view(before),
      });
    });
    this.events.invalidate();
  }

  async deliveries(actor: Actor, id: string, q: WebhookDeliveriesQueryDto) {
    this.authz.assert(actor, 'manageWebhooks', webhookResource(id));
    if (!(await this.repo.find(id))) throw notFound('webhook', id);
    return { items: (await this.repo.listDeliveries(id, q.limit ?? 50)).map(deliveryView) };
  }
}
