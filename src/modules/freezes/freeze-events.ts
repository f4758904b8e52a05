import { Injectable, Logger } from '@nestjs/common';
import type { FreezeRecord } from './freeze-records';

type Listener = (projectId: string, removed: FreezeRecord) => Promise<unknown>;

/**
 * In-process notice that a freeze window was removed (after commit), for what waits on windows to
 * end: paused releases re-arm their alarms now instead of at the removed window's end. Modules that
 * depend on freezes register here, so the freezes module never imports them.
 */
@Injectable()
export class FreezeEvents {
  private readonly logger = new Logger('freezes');
  private readonly removedListeners: Listener[] = [];

  onRemoved(listener: Listener): void {
    this.removedListeners.push(listener);
  }

  /** Never throws: the removal is committed; a listener that fails leaves its work to its own alarm. */
  async removed(projectId: string, window: FreezeRecord): Promise<void> {
    for (const listener of this.removedListeners)
      await listener(projectId, window).catch((e: Error) =>
        this.logger.warn(`after removing freeze ${window.id}: ${e.message}`),
      );
  }
}
