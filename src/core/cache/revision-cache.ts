/**
 * The last value read for each key, tagged with a revision of what it was read from; a lookup at
 * the same revision is answered from memory, any other reads again. Meant for settings whose every
 * change bumps a counter in the same transaction (Project.settingsRevision, kept by triggers): a
 * value read after the counter was read is at least as new as that revision, so it may answer
 * anyone holding that revision. An entry is never replaced by one of an older revision.
 */
export class RevisionCache<T> {
  private readonly entries = new Map<string, { revision: bigint; value: T }>();

  constructor(private readonly maxEntries = 1_000) {}

  /** `revision` undefined: the caller knows no revision, so `load` is always asked (and nothing kept). */
  async get(key: string, revision: bigint | undefined, load: () => Promise<T>): Promise<T> {
    if (revision === undefined) return load();
    const hit = this.entries.get(key);
    if (hit && hit.revision === revision) return hit.value;
    const value = await load();
    const now = this.entries.get(key);
    if (!now || now.revision < revision) {
      this.entries.delete(key);
      // Oldest first out: Map iterates in insertion order.
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, { revision, value });
    }
    return value;
  }
}
