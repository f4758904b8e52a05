import { ROOT_CONTEXT, SpanKind, type Span } from '@opentelemetry/api';
import { parseTraceCarrier, type TraceCarrier } from './trace-carrier';
import {
  contextFromCarrier as contextOf,
  failSpan,
  inCarriedSpan,
  inSpan,
  linkFromCarrier,
  startSpan,
  traceCarrierOf,
  tracingEnabled,
} from './tracing';

/**
 * The spans along a change (DESIGN §2), by name, and the helpers that create them where the work
 * happens. Each helper wraps one call, so the code it instruments keeps its shape.
 *
 *   <METHOD> <route>         HTTP server span (http-tracing.ts), parent: an incoming traceparent
 *   gantry.authorize         AuthorizationService.assert
 *   gantry.db.transaction    PrismaService.transaction (the write transaction)
 *   gantry.outbox.enqueue    OutboxRepository.enqueue; its context is stored in the outbox row
 *   gantry.relay.publish     OutboxRelayService.publish, one per row, parent: the row's context;
 *                            its context travels in the pub/sub message
 *   gantry.snapshot.apply    each node, per change, parent: the message's (or row's) context;
 *                            on an edge, the upstream's apply (its context travels in the feed's
 *                            `change` event, and an edge feeding edges passes on its own)
 *   gantry.sse.fanout        child of the apply: streams written, propagation lag
 *   job <name>               WorkerHostService, a new trace LINKED to the enqueuing request's span
 */
export const SPAN = {
  authorize: 'gantry.authorize',
  dbTransaction: 'gantry.db.transaction',
  outboxEnqueue: 'gantry.outbox.enqueue',
  relayPublish: 'gantry.relay.publish',
  snapshotApply: 'gantry.snapshot.apply',
  sseFanout: 'gantry.sse.fanout',
} as const;

/** Set (true) on the HTTP span of an SDK-facing route, at its start, so the sampler can see it. */
export const ATTR_SDK_ROUTE = 'gantry.sdk_route';

export const ATTR = {
  environmentId: 'gantry.environment_id',
  revision: 'gantry.revision',
  changeKind: 'gantry.change.kind',
  changeKey: 'gantry.change.key',
  sseStreams: 'gantry.sse.streams',
  propagationLagMs: 'gantry.propagation_lag_ms',
  jobName: 'gantry.job.name',
  jobId: 'gantry.job.id',
  jobQueue: 'gantry.job.queue',
  jobAttempt: 'gantry.job.attempt',
} as const;

/** What identifies a change in span attributes. */
export interface ChangeRef {
  environmentId: string;
  revision: bigint | string;
  kind: string;
  key: string;
}

export const changeAttributes = (c: ChangeRef) => ({
  [ATTR.environmentId]: c.environmentId,
  [ATTR.revision]: String(c.revision),
  [ATTR.changeKind]: c.kind,
  [ATTR.changeKey]: c.key,
});

export interface RelayPublishSpans<I> {
  /** The context to send with this item's message (undefined: the item is not traced). */
  carrier(item: I): TraceCarrier | undefined;
  /** Ends every span when the publish settles; per-item errors of a pipeline's results fail that item's span. */
  settle<R extends [Error | null, unknown][] | null>(publish: Promise<R>): Promise<R>;
}

/**
 * One `gantry.relay.publish` span per outbox row that carries a trace context (rows written while
 * tracing was off carry none and are published untraced).
 */
export function startRelayPublishSpans<I extends ChangeRef & { traceContext?: unknown }>(
  items: readonly I[],
): RelayPublishSpans<I> {
  if (!tracingEnabled()) return { carrier: () => undefined, settle: (p) => p };
  const spans = new Map<I, Span>();
  for (const item of items) {
    const parent = contextOf(item.traceContext);
    if (parent)
      spans.set(
        item,
        startSpan(SPAN.relayPublish, { parent, kind: SpanKind.PRODUCER, attributes: changeAttributes(item) }),
      );
  }
  return {
    carrier: (item) => {
      const span = spans.get(item);
      return span ? traceCarrierOf(span) : undefined;
    },
    settle: async (publish) => {
      try {
        const results = await publish;
        results?.forEach(([err], i) => {
          const span = err ? spans.get(items[i]) : undefined;
          if (span) failSpan(span, err);
        });
        return results;
      } catch (err) {
        for (const span of spans.values()) failSpan(span, err);
        throw err;
      } finally {
        for (const span of spans.values()) span.end();
      }
    },
  };
}

/** What a BullMQ job exposes to its span. */
export interface JobInfo {
  name: string;
  id?: string;
  queueName: string;
  attemptsMade: number;
  data: unknown;
}

/**
 * `job <name>`: a new trace (a job runs seconds to months after the request that enqueued it, and
 * may run again), LINKED to the request's span when the job's data carries its context.
 */
export function inJobSpan<T>(job: JobInfo, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  const link = linkFromCarrier((job.data as { trace?: unknown } | null | undefined)?.trace);
  return inSpan(`job ${job.name}`, fn, {
    parent: ROOT_CONTEXT,
    kind: SpanKind.CONSUMER,
    links: link ? [link] : [],
    attributes: {
      [ATTR.jobName]: job.name,
      [ATTR.jobQueue]: job.queueName,
      [ATTR.jobAttempt]: job.attemptsMade + 1,
      ...(job.id ? { [ATTR.jobId]: job.id } : {}),
    },
  });
}

/**
 * `gantry.outbox.enqueue` around the insert; `write` gets the context to store in the row and
 * returns the revision it took when it read it back (an attribute, as on the spans that continue the
 * change); an untraced write does not (OutboxRepository.enqueue).
 */
export function inOutboxEnqueueSpan(
  change: { environmentId: string; kind: string; key: string },
  write: (carrier: TraceCarrier | undefined) => Promise<bigint | void>,
): Promise<void> {
  return inSpan(
    SPAN.outboxEnqueue,
    async (span) => {
      const revision = await write(traceCarrierOf(span));
      if (revision !== undefined) span.setAttribute(ATTR.revision, String(revision));
    },
    {
      attributes: {
        [ATTR.environmentId]: change.environmentId,
        [ATTR.changeKind]: change.kind,
        [ATTR.changeKey]: change.key,
      },
      childOnly: true,
    },
  );
}

/** `gantry.snapshot.apply` of one change on this node, continuing the change's trace (untraced without one). */
export function inSnapshotApplySpan<T>(carrier: unknown, change: ChangeRef, fn: (span: Span) => T): T {
  return inCarriedSpan(SPAN.snapshotApply, carrier, fn, { attributes: changeAttributes(change) });
}

/**
 * The context a node passes on with a change it applied (the relay feed to its edges): its own
 * apply span's, so the next node's apply is that span's child; when this node does not trace the
 * change itself, the (validated) context it received, so the trace still continues below it.
 */
export function onwardTraceCarrier(apply: Span, received: unknown): TraceCarrier | undefined {
  return (apply.isRecording() ? traceCarrierOf(apply) : undefined) ?? parseTraceCarrier(received);
}

/**
 * `gantry.sse.fanout` under the apply span: how many streams the event was written to, and how long
 * after its commit (`committedAt`, ms since epoch; absent for changes caught up from the outbox).
 */
export function inFanoutSpan(apply: Span, broadcast: () => number, committedAt?: number): number {
  if (!apply.isRecording()) return broadcast();
  return inSpan(SPAN.sseFanout, (span) => {
    const streams = broadcast();
    span.setAttribute(ATTR.sseStreams, streams);
    if (committedAt) span.setAttribute(ATTR.propagationLagMs, Math.max(0, Date.now() - committedAt));
    return streams;
  });
}
