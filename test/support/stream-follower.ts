/**
 * An SDK stream (`GET /all`) followed the way a LaunchDarkly server-side SDK follows it, for tests
 * that run long and break things underneath: it keeps the environment's data as the events build
 * it (`put` replaces everything, `patch` upserts, `delete` removes), remembers the last revision
 * (the SSE `id:`), and when the connection fails or ends it reconnects with `Last-Event-ID`, as an
 * SDK does, until `close()`.
 *
 *   const follower = followStream(node.baseUrl, sdkKey, 'production@A');
 *   await follower.initialized;                 // the first put arrived
 *   ... follower.revision, follower.flags.get('my-flag') ...
 *   follower.close();
 *
 * What would be a protocol fault is written down in `anomalies` rather than thrown (the test
 * decides): a patch or delete whose revision is not the next one after what the stream had (a
 * missed change), or a put that goes back to an older revision than the stream had already seen.
 */

export interface StreamFollower {
  readonly label: string;
  /** The revision of the last event applied (the `id:` of the last put/patch/delete); -1n before the first put. */
  readonly revision: bigint;
  /** The flags as the stream has built them, by key (SDK JSON). */
  readonly flags: Map<string, SdkFlagLike>;
  /** Connections opened (the first included). */
  readonly connections: number;
  /** `put` events received (a fresh one after each reconnect the server could not resume). */
  readonly puts: number;
  /** Patches and deletes applied. */
  readonly changes: number;
  /** Protocol faults seen (see the module comment), with the revisions involved. */
  readonly anomalies: string[];
  /** Why the last connection ended (error message or status), for reports. */
  readonly lastError: string | undefined;
  /** Resolves when the first put has been applied. */
  readonly initialized: Promise<void>;
  close(): void;
}

export interface SdkFlagLike {
  key: string;
  version: number;
  on: boolean;
  targets?: { variation: number; values: string[] }[];
  contextTargets?: { contextKind: string; variation: number; values: string[] }[];
  [field: string]: unknown;
}

export interface FollowOptions {
  /** Wait before reconnecting after a failure or an ended stream (default 500 ms). */
  retryMs?: number;
}

export function followStream(
  baseUrl: string,
  sdkKey: string,
  label: string,
  options: FollowOptions = {},
): StreamFollower {
  const retryMs = options.retryMs ?? 500;
  const abort = new AbortController();
  let revision = -1n;
  const flags = new Map<string, SdkFlagLike>();
  let connections = 0;
  let puts = 0;
  let changes = 0;
  const anomalies: string[] = [];
  let lastError: string | undefined;
  let resolveInitialized!: () => void;
  const initialized = new Promise<void>((resolve) => (resolveInitialized = resolve));

  const onEvent = (name: string, id: string | undefined, data: string) => {
    if (name !== 'put' && name !== 'patch' && name !== 'delete') return;
    const eventRevision = id !== undefined && /^\d+$/.test(id) ? BigInt(id) : undefined;
    if (eventRevision === undefined) {
      anomalies.push(`${name} without a revision id`);
      return;
    }
    const body = JSON.parse(data) as { path: string; data?: any; version?: number };
    if (name === 'put') {
      if (eventRevision < revision) anomalies.push(`put went back from revision ${revision} to ${eventRevision}`);
      flags.clear();
      for (const [key, flag] of Object.entries((body.data?.flags ?? {}) as Record<string, SdkFlagLike>))
        flags.set(key, flag);
      revision = eventRevision;
      puts++;
      resolveInitialized();
      return;
    }
    if (eventRevision !== revision + 1n) {
      anomalies.push(`${name} ${body.path} at revision ${eventRevision} after revision ${revision}`);
    }
    if (eventRevision > revision) revision = eventRevision;
    changes++;
    const flagKey = body.path.startsWith('/flags/') ? body.path.slice('/flags/'.length) : undefined;
    if (flagKey === undefined) return; // a segment: not followed here
    // As the SDKs do: an item only ever moves to a newer version.
    const version = name === 'delete' ? body.version : (body.data as SdkFlagLike | undefined)?.version;
    const existing = flags.get(flagKey);
    if (existing && version !== undefined && version <= existing.version) return;
    if (name === 'delete') flags.delete(flagKey);
    else flags.set(flagKey, body.data as SdkFlagLike);
  };

  const connectOnce = async () => {
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: sdkKey };
    if (revision >= 0n) headers['last-event-id'] = String(revision);
    connections++;
    const res = await fetch(`${baseUrl}/all`, { headers, signal: abort.signal });
    if (res.status !== 200 || !res.body) {
      await res.text().catch(() => undefined);
      lastError = `status ${res.status}`;
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        lastError = 'the server ended the stream';
        return;
      }
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line === '' || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let v = colon < 0 ? '' : line.slice(colon + 1);
          if (v.startsWith(' ')) v = v.slice(1);
          if (field === 'event') name = v;
          else if (field === 'id') id = v;
          else if (field === 'data') data.push(v);
        }
        if (data.length) onEvent(name, id, data.join('\n'));
      }
    }
  };

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await connectOnce();
      } catch (error) {
        if (abort.signal.aborted) return;
        lastError = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();

  return {
    label,
    get revision() {
      return revision;
    },
    flags,
    get connections() {
      return connections;
    },
    get puts() {
      return puts;
    },
    get changes() {
      return changes;
    },
    anomalies,
    get lastError() {
      return lastError;
    },
    initialized,
    close: () => abort.abort(),
  };
}
