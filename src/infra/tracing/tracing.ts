import {
  context,
  createContextKey,
  createTraceState,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import type { NodeTracerProvider, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { OtelSettings } from './otel-settings';
import { decodeTraceCarrier, encodeTraceCarrier, type TraceCarrier } from './trace-carrier';

/**
 * OpenTelemetry tracing, instrumented by hand (no auto-instrumentation): the spans along a change
 * are named in DESIGN §2 and created by the helpers below. Off unless configured (otel-settings.ts):
 * then no provider is registered and every helper runs its callback with a non-recording stand-in,
 * so an untraced process pays a closure call per helper and nothing else.
 */
export interface TracingConfig extends OtelSettings {
  /** GANTRY_TRACE_SDK_SAMPLE_RATIO: the share of SDK-facing requests traced (0–1, default 0). */
  sdkSampleRatio: number;
}

let provider: NodeTracerProvider | undefined;
let tracer: Tracer | undefined;

/** Non-recording: what helpers hand their callback when tracing is off or the change carries no trace. */
const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Registers the tracer provider (global API, AsyncLocalStorage context, W3C propagator) with an
 * OTLP/HTTP exporter behind a batch processor, once per process. `processor` replaces the
 * exporter (tests). Returns whether tracing is on. The SDK is loaded only then: a process with
 * tracing off never loads it (over a second of start-up on a busy machine).
 */
export async function startTracing(
  config: TracingConfig,
  options: { processor?: SpanProcessor } = {},
): Promise<boolean> {
  if (provider || !config.enabled) return provider !== undefined;
  const [{ BatchSpanProcessor, NodeTracerProvider }, { OTLPTraceExporter }, resources, { GantrySampler }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('./sampler'),
    ]);
  if (provider) return true;
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': config.serviceName }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  provider = new NodeTracerProvider({
    resource,
    sampler: new GantrySampler(config.sdkSampleRatio),
    spanProcessors: [options.processor ?? new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  tracer = provider.getTracer('gantry');
  return true;
}

/** Exports what is buffered and stops (process shutdown). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  tracer = undefined;
  await p?.shutdown();
}

export const tracingEnabled = (): boolean => tracer !== undefined;

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  links?: Link[];
  /** The parent; default the active context. */
  parent?: Context;
  /**
   * Only as a child of an active span: work that runs both inside requests and jobs and in
   * background loops (transactions) is traced where it is part of something, not as a root each tick.
   */
  childOnly?: boolean;
}

/**
 * Runs `fn` in a new span (active while it runs, including its promise), ending it when `fn`
 * returns or settles; an exception is recorded on the span and rethrown.
 */
export function inSpan<T>(name: string, fn: (span: Span) => T, options: SpanOptions = {}): T {
  if (!tracer) return fn(NOOP_SPAN);
  const parent = options.parent ?? context.active();
  if (options.childOnly && !trace.getSpan(parent)) return fn(NOOP_SPAN);
  const span = tracer.startSpan(
    name,
    { attributes: options.attributes, kind: options.kind, links: options.links },
    parent,
  );
  let result: T;
  try {
    result = context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (err) {
    failSpan(span, err);
    span.end();
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        failSpan(span, err);
        span.end();
        throw err;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * A span continuing the trace a carrier names (an outbox row, a pub/sub message); without a valid
 * carrier, `fn` runs untraced: a change that was not traced where it was made is not traced later.
 */
export function inCarriedSpan<T>(
  name: string,
  carrier: unknown,
  fn: (span: Span) => T,
  options: Omit<SpanOptions, 'parent'> = {},
): T {
  if (!tracer) return fn(NOOP_SPAN);
  const parent = contextFromCarrier(carrier);
  return parent ? inSpan(name, fn, { ...options, parent }) : fn(NOOP_SPAN);
}

/** Starts a span the caller ends (work that is not one callback: an HTTP request, a relay batch). */
export function startSpan(name: string, options: SpanOptions = {}): Span {
  if (!tracer) return NOOP_SPAN;
  return tracer.startSpan(
    name,
    { attributes: options.attributes, kind: options.kind, links: options.links },
    options.parent ?? context.active(),
  );
}

export function failSpan(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/** The carrier of a span (to store or send), or of the active span; undefined when untraced. */
export function traceCarrierOf(span?: Span): TraceCarrier | undefined {
  if (!tracer) return undefined;
  const s = span ?? trace.getActiveSpan();
  if (!s) return undefined;
  const sc = s.spanContext();
  return encodeTraceCarrier(sc, sc.traceState?.serialize());
}

/** Where http-tracing.ts keeps the request's server span, for what should point at the request itself. */
const REQUEST_SPAN = createContextKey('gantry.request_span');

/** `ctx` with `span` active and remembered as the request's span. */
export const withRequestSpan = (ctx: Context, span: Span): Context =>
  trace.setSpan(ctx, span).setValue(REQUEST_SPAN, span);

/**
 * The carrier of the request being served (its HTTP server span), else of the active span: what a
 * job enqueued now links to, whatever inner span (a transaction) enqueued it.
 */
export function requestTraceCarrier(): TraceCarrier | undefined {
  if (!tracer) return undefined;
  return traceCarrierOf((context.active().getValue(REQUEST_SPAN) as Span | undefined) ?? trace.getActiveSpan());
}

/** A context whose (remote) parent is the carrier's span, or undefined for a missing or malformed carrier. */
export function contextFromCarrier(carrier: unknown): Context | undefined {
  const sc = decodeTraceCarrier(carrier);
  if (!sc) return undefined;
  const { tracestateText, ...rest } = sc;
  return trace.setSpanContext(
    ROOT_CONTEXT,
    tracestateText ? { ...rest, traceState: createTraceState(tracestateText) } : rest,
  );
}

/** A link to the carrier's span (a job run long after the request that enqueued it). */
export function linkFromCarrier(carrier: unknown, attributes?: Attributes): Link | undefined {
  const sc = decodeTraceCarrier(carrier);
  if (!sc) return undefined;
  const { tracestateText: _ignored, ...rest } = sc;
  return { context: rest, ...(attributes ? { attributes } : {}) };
}

/** `trace_id`/`span_id` of the active span for log lines; empty when none (or tracing is off). */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  if (!tracer) return {};
  const sc = trace.getActiveSpan()?.spanContext();
  if (!sc || sc.traceId === INVALID_SPAN_CONTEXT.traceId) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId };
}

/** `fn` bound to the context active now (a callback a pool or library may call from elsewhere). */
export function bindActiveContext<F extends (...args: never[]) => unknown>(fn: F): F {
  return tracer ? context.bind(context.active(), fn) : fn;
}
