/**
 * The relay feed: what an upstream Gantry (an API node, or an edge) streams to an edge node over
 * `POST /relay/v1/feed`, as server-sent events. The edge sends the revision it holds of each
 * environment; the upstream answers, per environment in the credential's scope, with nothing (the
 * edge is current), the `change`s it missed (resume by revision), or the whole `environment` (the
 * changes are no longer kept, or the edge had none); environments that left the scope or were
 * deleted get `remove`. Then `ready`, then live changes as they commit. Revisions are the
 * environment's own, so an SDK can resume with Last-Event-ID on any node of the tree.
 */

/** Identity of an environment as edges route SDK requests to it. */
export interface FeedEnvironmentMeta {
  id: string;
  project: string;
  key: string;
  /** SHA-256 (hex) of the environment's server-side SDK key: edges never hold the key itself. */
  sdkKeyHash: string;
}

/** `event: environment`: everything an environment serves at one revision. */
export interface FeedEnvironment extends FeedEnvironmentMeta {
  revision: string;
  /** `{flags, segments}` exactly as LaunchDarkly polling returns them. */
  data: { flags: Record<string, unknown>; segments: Record<string, unknown> };
}

/** `event: change`: one committed change (the next revision of its environment). */
export interface FeedChange {
  environmentId: string;
  revision: string;
  kind: 'flag' | 'segment';
  key: string;
  version: number;
  payload: unknown;
  /** Commit time at the origin, ms since epoch: every level of the tree measures its lag from it. */
  committedAt?: number;
  /**
   * The change's W3C trace context, on live changes of a traced change only: the sending node's
   * `gantry.snapshot.apply` span (or, when that node does not trace, the context it received), so
   * the edge's apply continues the trace. It comes over the network: a receiver validates it, and
   * drops a malformed one (it only connects spans; it never decides anything).
   */
  trace?: FeedTraceContext;
}

/** A trace context as the feed carries it (`traceparent`, and `tracestate` when there is one). */
export interface FeedTraceContext {
  traceparent: string;
  tracestate?: string;
}

/** The body an edge sends to open its feed. */
export interface FeedRequest {
  /** environment id → the revision held, as a decimal string. */
  revisions?: Record<string, string>;
}

/** How often the feed sends a comment; an edge that hears nothing for 3 of these reconnects. */
export const FEED_HEARTBEAT_MS = 15_000;
