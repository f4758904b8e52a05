import { trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

import { ATTR_SDK_ROUTE } from './spans';

export { ATTR_SDK_ROUTE };

/**
 * Everything is traced (parent-based: an incoming `traceparent` that says "not sampled" is obeyed)
 * except SDK-facing routes: every SDK of a fleet polls or streams there, so they get their own
 * ratio (GANTRY_TRACE_SDK_SAMPLE_RATIO, default 0), decided on the trace id alone. A caller's
 * sampled flag does not override it: an SDK, or anyone with an SDK key, cannot make the hot path
 * trace every call.
 */
export class GantrySampler implements Sampler {
  private readonly base: Sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
  private readonly sdk: Sampler;

  constructor(readonly sdkRatio: number) {
    this.sdk = new TraceIdRatioBasedSampler(sdkRatio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (attributes[ATTR_SDK_ROUTE] === true) {
      const r = this.sdk.shouldSample(context, traceId, spanName, spanKind, attributes, links);
      // The ratio sampler keeps no trace state; carry the parent's, as the base sampler does.
      const traceState = trace.getSpanContext(context)?.traceState;
      return traceState ? { ...r, traceState } : r;
    }
    return this.base.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `GantrySampler{sdkRatio=${this.sdkRatio}}`;
  }
}

export { SamplingDecision };
