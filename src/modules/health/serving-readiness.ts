import { Injectable } from '@nestjs/common';

/**
 * What readiness needs to know of the SDK side without depending on it: an API node's snapshot
 * source registers here and says whether its snapshots were ever loaded. A node where nothing
 * registered (a worker) serves no SDK traffic, so snapshots do not decide its readiness.
 */
@Injectable()
export class ServingReadiness {
  private snapshotsLoaded?: () => boolean;

  serveSnapshots(loaded: () => boolean): void {
    this.snapshotsLoaded = loaded;
  }

  /** undefined: this node serves no snapshots. */
  snapshots(): boolean | undefined {
    return this.snapshotsLoaded?.();
  }
}
