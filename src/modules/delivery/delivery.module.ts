import { Module } from '@nestjs/common';
import { OutboxRepository } from './outbox.repository';

/** Delivery to SDKs. For now it owns the outbox that the write paths fill; the relay and streams come next. */
@Module({ providers: [OutboxRepository], exports: [OutboxRepository] })
export class DeliveryModule {}
