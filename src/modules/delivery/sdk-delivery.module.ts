import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ServingReadiness } from '../health/serving-readiness';
import { InsightsModule } from '../insights/insights.module';
import { ProjectsModule } from '../projects/projects.module';
import { ActiveGuardsReadModule } from '../releases/active-guards-read.module';
import { DeliveryModule } from './delivery.module';
import { EnvironmentSnapshotsService } from './environment-snapshots.service';
import { EvaluationExplainService } from './evaluation-explain.service';
import { EvaluationController } from './evaluation.controller';
import { OfrepController } from './ofrep.controller';
import { OfrepService } from './ofrep.service';
import { SdkController } from './sdk.controller';
import { SdkDeliveryService } from './sdk-delivery.service';
import { SdkEventsService } from './sdk-events.service';
import { SdkKeysService } from './sdk-keys.service';
import { RelayCatalog, SdkEventSink, SdkKeyResolver, SnapshotChanges, SnapshotSource } from './snapshot-source';

/**
 * The read side of delivery, on API nodes: in-memory snapshots kept current from Redis, the
 * LaunchDarkly stream and polling endpoints, SDK events, OFREP, and the evaluation explainer.
 */
@Module({
  imports: [DeliveryModule, ProjectsModule, InsightsModule, ActiveGuardsReadModule, HealthModule],
  controllers: [SdkController, OfrepController, EvaluationController],
  providers: [
    SdkKeysService,
    EnvironmentSnapshotsService,
    { provide: SdkKeyResolver, useExisting: SdkKeysService },
    { provide: SnapshotSource, useExisting: EnvironmentSnapshotsService },
    { provide: RelayCatalog, useExisting: SdkKeysService },
    { provide: SdkEventSink, useExisting: SdkEventsService },
    SnapshotChanges,
    SdkDeliveryService,
    SdkEventsService,
    OfrepService,
    EvaluationExplainService,
  ],
  exports: [
    EnvironmentSnapshotsService,
    SnapshotSource,
    SdkKeyResolver,
    RelayCatalog,
    SdkEventSink,
    SnapshotChanges,
    InsightsModule,
  ],
})
export class SdkDeliveryModule {
  /** Readiness says down until this node's snapshots were loaded once. */
  constructor(readiness: ServingReadiness, snapshots: EnvironmentSnapshotsService) {
    readiness.serveSnapshots(() => snapshots.snapshotsLoaded());
  }
}
