import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ClockService } from '../../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { ROOT_LOGGER } from '../../infra/logging/logger';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { ContextSampleService } from '../delivery/context-sample.service';
import { DeliveryMetrics } from '../delivery/delivery.metrics';
import { OfrepController } from '../delivery/ofrep.controller';
import { OfrepService } from '../delivery/ofrep.service';
import { SdkController } from '../delivery/sdk.controller';
import { SdkDeliveryService } from '../delivery/sdk-delivery.service';
import {
  RelayCatalog,
  SdkEventSink,
  SdkKeyResolver,
  SnapshotChanges,
  SnapshotSource,
} from '../delivery/snapshot-source';
import { EvaluationCountSink } from '../insights/evaluation-count-sink';
import { EvaluationRecorder } from '../insights/evaluation-recorder.service';
import { RelayCredentialVerifier } from '../relay/relay-credential-verifier';
import { RelayModule } from '../relay/relay.module';
import { EdgeFeedClient } from './edge-feed.client';
import { EdgeHealthController } from './edge-health.controller';
import { EdgeSnapshotsService } from './edge-snapshots.service';
import { Upstream } from './upstream';
import { UpstreamCountSink } from './upstream-count-sink';
import { UpstreamCredentialVerifier } from './upstream-credential-verifier';
import { UpstreamEventForwarder } from './upstream-event-forwarder';

/**
 * OFREP contexts are not sampled on an edge: the sample lives in Redis, which an edge does not
 * reach. Contexts in SDK events still reach the sample upstream, with the events.
 */
class NoContextSample {
  offer(): void {}
}

/** What an edge provides in place of PostgreSQL and Redis: everything comes from, or goes to, its upstream. */
@Global()
@Module({})
class EdgeProvidersModule {
  static forRoot(config: GantryConfig, logger: Logger): DynamicModule {
    const providers = [
      { provide: GANTRY_CONFIG, useValue: config },
      { provide: ROOT_LOGGER, useValue: logger },
      ClockService,
      MetricsService,
      DeliveryMetrics,
      Upstream,
      SnapshotChanges,
      EdgeSnapshotsService,
      { provide: SnapshotSource, useExisting: EdgeSnapshotsService },
      { provide: SdkKeyResolver, useExisting: EdgeSnapshotsService },
      { provide: RelayCatalog, useExisting: EdgeSnapshotsService },
      { provide: SdkEventSink, useClass: UpstreamEventForwarder },
      { provide: EvaluationCountSink, useClass: UpstreamCountSink },
      { provide: RelayCredentialVerifier, useClass: UpstreamCredentialVerifier },
      { provide: ContextSampleService, useClass: NoContextSample },
      EvaluationRecorder,
      EdgeFeedClient,
    ];
    return {
      module: EdgeProvidersModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}

/**
 * GANTRY_ROLE=edge: the SDK surfaces (LaunchDarkly streaming, polling and events; OFREP) and the
 * relay feed for edges below, with no PostgreSQL or Redis connection at all.
 */
@Module({})
export class EdgeAppModule {
  static forRoot(config: GantryConfig, logger: Logger): DynamicModule {
    return {
      module: EdgeAppModule,
      imports: [EdgeProvidersModule.forRoot(config, logger), RelayModule.register([])],
      controllers: [SdkController, OfrepController, EdgeHealthController],
      providers: [SdkDeliveryService, OfrepService],
    };
  }
}
