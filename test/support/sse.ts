/**
 * A raw Server-Sent Events reader for the SDK stream (`GET /all`), for tests that look at the wire:
 * event names, `id:` lines, what a resumed connection receives.
 *
 *   const stream = await openSse(gantry.baseUrl, sdkKey);
 *   const put = await stream.next((e) => e.event === 'put');
 *   ... change something ...
 *   const patch = await stream.next((e) => e.event === 'patch');
 *   stream.close();
 *
 * Events are kept in arrival order; `next()` consumes them in order, skipping those that do not
 * match the predicate (heartbeat comments are never events).
 */

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Every event received so far, in order. */
  readonly events: SseEvent[];
  /**
   * The first not yet consumed event that matches (every event it skips is consumed too); waits for
   * it up to `timeoutMs`, and fails with what was received when it does not come.
   */
  next(predicate?: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream (or it is closed here). */
  readonly ended: Promise<void>;
  close(): void;
}

export interface OpenSseOptions {
  lastEventId?: string;
  /** The Authorization header value; default the SDK key as LaunchDarkly SDKs send it (raw). */
  authorization?: string;
  headers?: Record<string, string>;
  /** Another event stream than the SDK's (GET /all): the relay feed is `POST /relay/v1/feed` with a JSON body. */
  path?: string;
  method?: string;
  body?: string;
}

/** `JSON.parse(event.data)`. */
export const sseJson = <T = any>(e: SseEvent): T => JSON.parse(e.data) as T;

export async function openSse(
  baseUrl: string,
  sdkKey: string | undefined,
  options: OpenSseOptions = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  const authorization = options.authorization ?? sdkKey;
  if (authorization !== undefined) headers.authorization = authorization;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const res = await fetch(`${baseUrl}${options.path ?? '/all'}`, {
    method: options.method,
    body: options.body,
    headers,
    signal: abort.signal,
  });

  const events: SseEvent[] = [];
  let consumed = 0;
  let wake: (() => void) | undefined;
  let done = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const ended = (async () => {
    if (res.status !== 200 || !res.body) {
      // Nothing to stream: read the body so the connection is released.
      await res.text().catch(() => undefined);
      done = true;
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: eof } = await reader.read();
        if (eof) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parseBlock(block);
          if (parsed) {
            events.push(parsed);
            notify();
          }
        }
      }
    } catch {
      // aborted by close(), or the connection dropped: the stream is over either way
    } finally {
      done = true;
      notify();
    }
  })();

  const next = async (predicate: (e: SseEvent) => boolean = () => true, timeoutMs = 10_000): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (consumed < events.length) {
        const e = events[consumed++];
        if (predicate(e)) return e;
      }
      if (done) throw new Error(`the stream ended without the expected event; received: ${describe(events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no expected event within ${timeoutMs} ms; received: ${describe(events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };

  return {
    status: res.status,
    headers: res.headers,
    events,
    next,
    ended,
    close: () => abort.abort(),
  };
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  let any = false;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue; // comment (heartbeat)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    any = true;
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  return any ? { event, id, data: data.join('\n') } : undefined;
}

function describe(events: SseEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({ event: e.event, id: e.id, data: e.data.length > 200 ? `${e.data.slice(0, 200)}…` : e.data })),
  );
}
