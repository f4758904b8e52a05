import { Module } from '@nestjs/common';
import { FlagsReadModule } from '../flags/flags-read.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SegmentsReadModule } from '../segments/segments-read.module';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryRepository } from './delivery.repository';
import { LocalChanges } from './local-changes';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * The write side of delivery, in every role: the relay that publishes the outbox to Redis (and hands
 * it to this node's snapshots through LocalChanges) and the shared context sample. Re-exports the
 * outbox, which the retention worker prunes.
 */
@Module({
  imports: [OutboxModule, FlagsReadModule, SegmentsReadModule],
  providers: [DeliveryRepository, DeliveryMetrics, OutboxRelayService, ContextSampleService, LocalChanges],
  exports: [OutboxModule, DeliveryRepository, DeliveryMetrics, ContextSampleService, LocalChanges],
})
export class DeliveryModule {}
