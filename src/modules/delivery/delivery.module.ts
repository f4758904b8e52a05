import { Module } from '@nestjs/common';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryRepository } from './delivery.repository';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import { SdkKeysNotifier } from './sdk-keys-notifier';

/**
 * The write side of delivery, in every role: the outbox the write paths fill, the relay that
 * publishes it to Redis, the SDK-key change notice, and the shared context sample.
 */
@Module({
  providers: [
    OutboxRepository,
    DeliveryRepository,
    DeliveryMetrics,
    OutboxRelayService,
    SdkKeysNotifier,
    ContextSampleService,
  ],
  exports: [OutboxRepository, DeliveryRepository, DeliveryMetrics, SdkKeysNotifier, ContextSampleService],
})
export class DeliveryModule {}
