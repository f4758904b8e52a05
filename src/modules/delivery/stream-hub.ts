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
 * string is written to every stream of its environment.
 */
export class StreamHub {
  private readonly byEnv = new Map<string, Set<Stream>>();
  private count = 0;

  constructor(private readonly onSlowClient: () => void = () => undefined) {}

  get size(): number {
    return this.count;
  }

  add(stream: Stream): void {
    let set = this.byEnv.get(stream.environmentId);
    if (!set) this.byEnv.set(stream.environmentId, (set = new Set()));
    set.add(stream);
    this.count += 1;
  }

  remove(stream: Stream): void {
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
