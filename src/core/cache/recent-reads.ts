/**
 * The last value read for each key and when it was read, answered for `ttlMs` after that. For
 * readers that check what they get against the database later (a flag write compares the project
 * revision it read under its lock, and reads again when it moved), so an answer may be stale; the
 * TTL only bounds how long a key's entry lives unused. Oldest entries go first beyond `maxEntries`.
 */
export class RecentReads<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  get(key: string, now: number): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (now - hit.at < this.ttlMs) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, now: number): void {
    this.entries.delete(key);
    // Oldest first out: Map iterates in insertion order.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { at: now, value });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
