import { Module } from '@nestjs/common';
import { OutboxRepository } from './outbox.repository';

/** The transactional outbox: flag and segment writes record here, delivery and webhooks read from here. */
@Module({
  providers: [OutboxRepository],
  exports: [OutboxRepository],
})
export class OutboxModule {}
