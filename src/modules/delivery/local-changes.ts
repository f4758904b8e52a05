import { Injectable, Logger } from '@nestjs/common';
import type { OutboxItem } from '../outbox/outbox.repository';

/**
 * The relay's delivery path inside its own process: every outbox row this node's relay claims is
 * handed to this node's snapshots directly, whether or not the Redis publish that tells the other
 * nodes succeeds. So while Redis is down a change still reaches the streams of the node that
 * relayed it at once (other nodes catch up from the outbox by revision). Nothing listens on a
 * worker-only node.
 */
type LocalChangeListener = (items: OutboxItem[], traceOf: (item: OutboxItem) => unknown) => void;

@Injectable()
export class LocalChanges {
  private readonly logger = new Logger('outbox-relay');
  private readonly listeners: LocalChangeListener[] = [];

  listen(listener: LocalChangeListener): void {
    this.listeners.push(listener);
  }

  /** `traceOf`: each row's relay publish span, so this node's apply joins the change's trace as the others' do. */
  deliver(items: OutboxItem[], traceOf: (item: OutboxItem) => unknown = () => undefined): void {
    for (const l of this.listeners) {
      try {
        l(items, traceOf);
      } catch (e) {
        this.logger.warn(`local delivery failed: ${(e as Error).message}`);
      }
    }
  }
}
