import { Global, Module } from '@nestjs/common';
import { WebhookEventsService } from './webhook-events.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Outbound webhooks: the REST resource, the delivery log, and the emitter. Global because event
 * sources in other modules (the outbox relay, later change requests) emit through
 * WebhookEventsService; the delivery worker (src/workers) uses the repository.
 */
@Global()
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookEventsService],
  exports: [WebhooksRepository, WebhookEventsService],
})
export class WebhooksModule {}
