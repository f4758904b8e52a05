import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { checkEventBatch } from '../delivery/sdk-events.service';
import { SdkEventSink } from '../delivery/snapshot-source';
import { FORWARDED_SDK_HEADER } from '../relay/relay.service';
import { Upstream, UpstreamError } from './upstream';

interface Pending {
  environmentId: string;
  body: string;
  sdk: string;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * SDK events received by an edge (`POST /bulk`), forwarded upstream in order, where they are
 * counted and stored as if sent there. The SDK gets its 202 at once; while the upstream is away the
 * events wait in a bounded buffer (GANTRY_EDGE_EVENT_BUFFER_BYTES), the oldest dropped first and
 * counted. Delivery is at least once: a batch whose answer was lost is sent again.
 */
@Injectable()
export class UpstreamEventForwarder extends SdkEventSink implements OnApplicationShutdown {
  private readonly logger = new Logger('edge-events');
  private readonly queue: Pending[] = [];
  private bytes = 0;
  private sending = false;
  private stopped = false;
  private readonly dropped: Counter;
  private readonly forwarded: Counter;

  constructor(
    private readonly upstream: Upstream,
    metrics: MetricsService,
  ) {
    super();
    const registers = [metrics.registry];
    this.dropped = new Counter({
      name: 'gantry_edge_events_dropped_total',
      help: 'SDK event requests an edge dropped because its forwarding buffer was full or the upstream refused them',
      registers,
    });
    this.forwarded = new Counter({
      name: 'gantry_edge_events_forwarded_total',
      help: 'SDK event requests an edge forwarded upstream',
      registers,
    });
    const waiting = () => this.bytes;
    new Gauge({
      name: 'gantry_edge_events_buffered_bytes',
      help: 'SDK events waiting on this edge to be forwarded upstream',
      registers,
      collect() {
        this.set(waiting());
      },
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  ingest(environmentId: string, body: unknown, sdk: string): Promise<number> {
    const events = checkEventBatch(body);
    const text = JSON.stringify(events);
    const limit = this.upstream.config.eventBufferBytes;
    if (text.length > limit) {
      this.dropped.inc();
      return Promise.resolve(0);
    }
    this.queue.push({ environmentId, body: text, sdk });
    this.bytes += text.length;
    while (this.bytes > limit) {
      const old = this.queue.shift();
      if (!old) break;
      this.bytes -= old.body.length;
      this.dropped.inc();
    }
    void this.drain();
    return Promise.resolve(events.length);
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    let delay = FIRST_RETRY_MS;
    try {
      while (this.queue.length && !this.stopped) {
        const next = this.queue[0];
        try {
          await this.upstream.call('POST', `/relay/v1/environments/${next.environmentId}/events`, next.body, {
            [FORWARDED_SDK_HEADER]: next.sdk,
          });
          this.forwarded.inc();
          delay = FIRST_RETRY_MS;
        } catch (e) {
          // A 4xx will not get better by retrying (the environment left the scope): drop it.
          if (e instanceof UpstreamError && e.status >= 400 && e.status < 500) this.dropped.inc();
          else {
            this.logger.warn(`forwarding SDK events failed, retrying in ${delay} ms: ${(e as Error).message}`);
            await new Promise((r) => setTimeout(r, delay).unref());
            delay = Math.min(delay * 2, MAX_RETRY_MS);
            continue;
          }
        }
        if (this.queue[0] === next) {
          this.queue.shift();
          this.bytes -= next.body.length;
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
