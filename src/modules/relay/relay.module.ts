import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { RelayAuthService } from './relay-auth.service';
import { RelayController } from './relay.controller';
import { RelayFeedService } from './relay-feed.service';
import { RelayService } from './relay.service';

/**
 * The relay surface (/relay/v1): feeds for edges and what edges send back. The same module serves
 * on API nodes and on edges; `deps` provides what differs between them: the snapshots
 * (SnapshotSource, RelayCatalog, SnapshotChanges), where events and counts go (SdkEventSink,
 * EvaluationCountSink) and how credentials are checked (RelayCredentialVerifier).
 */
@Module({})
export class RelayModule {
  static register(deps: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: RelayModule,
      imports: deps,
      controllers: [RelayController],
      providers: [RelayAuthService, RelayFeedService, RelayService],
    };
  }
}
