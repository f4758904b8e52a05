import type { Writable } from 'node:stream';

/**
 * Past this many bytes queued on a socket, the client is not reading: it is disconnected rather
 * than allowed to grow the process's memory. It reconnects and gets a fresh put.
 */
export const MAX_QUEUED_BYTES = 512 * 1024;

export interface Stream {
  readonly environmentId: string;
  /** The key the stream was opened with: rotating or deleting it closes the stream. */
  readonly sdkKey: string;
  /** The HTTP response (any writable: the hub only writes to it, ends it or drops it). */
  readonly res: Writable;
}

/**
 * The SSE streams of this process, by environment. An event is serialised once and the same
 * string is written to every stream of its environment. A stream leaves the hub when its response
 * closes or fails.
 */
export class StreamHub {
  private readonly byEnv = new Map<string, Set<Stream>>();
  /** The stream of a response, for the one close listener shared by all of them (see `add`). */
  private readonly byRes = new WeakMap<Writable, Stream>();
  private count = 0;
  /**
   * One function for every response's close and error (with the response as `this`), rather than a
   * closure per stream: a node holds tens of thousands of streams, and memory per stream is budgeted.
   */
  private readonly ended: (this: Writable) => void;

  constructor(private readonly onSlowClient: () => void = () => undefined) {
    const byRes = this.byRes;
    const remove = (s: Stream) => this.remove(s);
    this.ended = function (this: Writable) {
      const s = byRes.get(this);
      if (s) remove(s);
    };
  }

  get size(): number {
    return this.count;
  }

  /** Adds the stream until its response closes or fails (or it is removed or closed here). */
  add(stream: Stream): void {
    let set = this.byEnv.get(stream.environmentId);
    if (!set) this.byEnv.set(stream.environmentId, (set = new Set()));
    set.add(stream);
    this.count += 1;
    this.byRes.set(stream.res, stream);
    stream.res.on('close', this.ended);
    stream.res.on('error', this.ended);
  }

  remove(stream: Stream): void {
    this.byRes.delete(stream.res);
    const set = this.byEnv.get(stream.environmentId);
    if (set?.delete(stream)) {
      this.count -= 1;
      if (set.size === 0) this.byEnv.delete(stream.environmentId);
    }
  }

  /** Returns how many streams the text was written to. */
  broadcast(environmentId: string, text: string): number {
    const set = this.byEnv.get(environmentId);
    if (!set) return 0;
    let n = 0;
    for (const s of set) if (this.write(s, text)) n += 1;
    return n;
  }

  /** Writes to every stream (heartbeat comments). */
  broadcastAll(text: string): void {
    for (const set of this.byEnv.values()) for (const s of set) this.write(s, text);
  }

  write(s: Stream, text: string): boolean {
    if (s.res.destroyed) return false;
    if (s.res.writableLength > MAX_QUEUED_BYTES) {
      this.onSlowClient();
      s.res.destroy();
      return false;
    }
    s.res.write(text);
    return true;
  }

  /** Ends the streams `drop` selects (a rotated key, a deleted environment); returns how many. */
  closeWhere(drop: (s: Stream) => boolean): number {
    let n = 0;
    for (const set of this.byEnv.values()) {
      for (const s of set) {
        if (!drop(s)) continue;
        s.res.end();
        this.remove(s);
        n += 1;
      }
    }
    return n;
  }

  environments(): string[] {
    return [...this.byEnv.keys()];
  }

  closeAll(): void {
    for (const set of this.byEnv.values()) for (const s of set) s.res.end();
    this.byEnv.clear();
    this.count = 0;
  }
}
