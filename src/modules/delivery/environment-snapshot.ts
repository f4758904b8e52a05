import { FlagStore, type SdkFlag, type SdkSegment } from '../../core/evaluation';
import type { FeedChange, FeedEnvironmentMeta } from '../../core/relay/feed-protocol';
import { toSdkFlag, toSdkSegment } from '../../core/model/sdk-shape';
import type { EnvironmentData } from './delivery.repository';

/** One committed change as it travels from the outbox through Redis to every node. */
export interface ChangeMessage {
  environmentId: string;
  revision: string;
  kind: 'flag' | 'segment';
  key: string;
  version: number;
  payload: SdkFlag | SdkSegment;
  /** Commit time (outbox row creation), ms since epoch: for the propagation-lag metric. */
  committedAt: number;
  /** The relay's publish span (a TraceCarrier, unchecked), so this node's apply joins the change's trace. */
  trace?: unknown;
}

/** How many recent events a snapshot keeps for `Last-Event-ID` resumption. */
const RECENT_EVENTS = 1000;

const sseEvent = (name: string, id: bigint, data: unknown) =>
  `event: ${name}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The SSE event of one change, as `apply` writes it: a patch with the item, or a delete for a
 * tombstone. Also for changes read back from the outbox (a resumption this node holds no memory of).
 */
export function changeEvent(c: {
  revision: bigint;
  kind: string;
  key: string;
  version: number;
  payload: unknown;
}): string {
  const item = c.payload as { deleted?: boolean };
  const path = `/${c.kind === 'flag' ? 'flags' : 'segments'}/${c.key}`;
  return item.deleted
    ? sseEvent('delete', c.revision, { path, version: c.version })
    : sseEvent('patch', c.revision, { path, data: item });
}

/**
 * What one node serves for one environment: the compiled store for evaluation, the SDK JSON for
 * `put`/polling (serialised once per revision), and the recent SSE events for resumption. Applying
 * a change produces its SSE event text once; every stream writes those same bytes.
 */
export class EnvironmentSnapshot {
  readonly store: FlagStore;
  private readonly flags = new Map<string, SdkFlag>();
  private readonly segments = new Map<string, SdkSegment>();
  /** Recent changes: their SSE text for SDK streams, the change itself for relay feeds. */
  private readonly recent: { revision: bigint; text: string; change: FeedChange }[] = [];
  private allCache?: { revision: bigint; json: string };

  private constructor(
    readonly environmentId: string,
    public revision: bigint,
    flags: SdkFlag[],
    segments: SdkSegment[],
  ) {
    for (const f of flags) if (!f.deleted) this.flags.set(f.key, f);
    for (const s of segments) if (!s.deleted) this.segments.set(s.key, s);
    this.store = FlagStore.from({ flags: Object.fromEntries(this.flags), segments: Object.fromEntries(this.segments) });
  }

  /** A snapshot from SDK-shaped data (an edge's, taken from its upstream's relay feed). */
  static fromSdk(
    environmentId: string,
    revision: bigint,
    data: { flags: Record<string, unknown>; segments: Record<string, unknown> },
  ): EnvironmentSnapshot {
    return new EnvironmentSnapshot(
      environmentId,
      revision,
      Object.values(data.flags) as SdkFlag[],
      Object.values(data.segments) as SdkSegment[],
    );
  }

  static fromData(data: EnvironmentData): EnvironmentSnapshot {
    return new EnvironmentSnapshot(
      data.environmentId,
      data.revision,
      data.flags.map((f) => toSdkFlag(f.definition, f.config) as SdkFlag),
      data.segments.map((s) => toSdkSegment(s) as SdkSegment),
    );
  }

  /**
   * Applies the change with the next revision. Returns the SSE event to broadcast, or null when
   * the message is not the next one (already applied, or a gap the caller must fill first).
   */
  apply(msg: {
    revision: bigint;
    kind: string;
    key: string;
    version: number;
    payload: unknown;
    committedAt?: number;
  }): string | null {
    if (msg.revision !== this.revision + 1n) return null;
    this.revision = msg.revision;
    const item = msg.payload as (SdkFlag | SdkSegment) & { deleted?: boolean };
    if (item.deleted) {
      if (msg.kind === 'flag') {
        this.flags.delete(msg.key);
        this.store.deleteFlag(msg.key, msg.version);
      } else {
        this.segments.delete(msg.key);
        this.store.deleteSegment(msg.key, msg.version);
      }
    } else if (msg.kind === 'flag') {
      this.flags.set(msg.key, item);
      this.store.upsertFlag(item);
    } else {
      this.segments.set(msg.key, item);
      this.store.upsertSegment(item);
    }
    const text = changeEvent(msg);
    const change: FeedChange = {
      environmentId: this.environmentId,
      revision: String(msg.revision),
      kind: msg.kind === 'flag' ? 'flag' : 'segment',
      key: msg.key,
      version: msg.version,
      payload: msg.payload,
      ...(msg.committedAt ? { committedAt: msg.committedAt } : {}),
    };
    this.recent.push({ revision: msg.revision, text, change });
    if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    return text;
  }

  /** `{flags, segments}` as polling returns it, serialised once per revision. */
  allDataJson(): string {
    if (this.allCache?.revision !== this.revision) {
      this.allCache = {
        revision: this.revision,
        json: JSON.stringify({ flags: Object.fromEntries(this.flags), segments: Object.fromEntries(this.segments) }),
      };
    }
    return this.allCache.json;
  }

  putEvent(): string {
    return `event: put\nid: ${this.revision}\ndata: {"path":"/","data":${this.allDataJson()}}\n\n`;
  }

  /** The last change applied (what a relay feed sends on), or undefined before any. */
  lastChange(): FeedChange | undefined {
    return this.recent[this.recent.length - 1]?.change;
  }

  /** Changes after `revision`, or null when they are no longer all kept (the edge needs the whole environment). */
  changesSince(revision: bigint): FeedChange[] | null {
    if (revision === this.revision) return [];
    if (revision > this.revision) return null;
    const first = this.recent[0];
    if (!first || first.revision > revision + 1n) return null;
    return this.recent.filter((e) => e.revision > revision).map((e) => e.change);
  }

  /** The relay feed's `environment` event data: the polling JSON, serialised once per revision, wrapped. */
  feedEnvironmentJson(meta: FeedEnvironmentMeta): string {
    const head = JSON.stringify({ id: meta.id, project: meta.project, key: meta.key, sdkKeyHash: meta.sdkKeyHash });
    return `${head.slice(0, -1)},"revision":"${this.revision}","data":${this.allDataJson()}}`;
  }

  /** Events after `revision`, or null when they are no longer all kept (the client needs a put). */
  eventsSince(revision: bigint): string[] | null {
    if (revision === this.revision) return [];
    if (revision > this.revision) return null;
    const first = this.recent[0];
    if (!first || first.revision > revision + 1n) return null;
    return this.recent.filter((e) => e.revision > revision).map((e) => e.text);
  }
}
