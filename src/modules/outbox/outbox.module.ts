import { Module } from '@nestjs/common';
import { OutboxMetrics } from './outbox.metrics';
import { OutboxRepository } from './outbox.repository';

/** The transactional outbox: flag and segment writes record here, delivery and webhooks read from here. */
@Module({
  providers: [OutboxRepository, OutboxMetrics],
  exports: [OutboxRepository],
})
export class OutboxModule {}
