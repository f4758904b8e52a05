import { CompiledFlag, CompiledSegment } from './compile';
import type { SdkFlag, SdkSegment } from './types';

/**
 * Mutable per-environment store of COMPILED flags and segments, with the LaunchDarkly version
 * rules: an upsert or delete applies only when its version is greater than the stored one
 * (tombstones keep their version). Flags are compiled once per version; segments are looked up by
 * key at evaluation time, so a segment update never recompiles flags.
 */
interface Entry<T> {
  readonly version: number;
  /** undefined for a tombstone. */
  readonly item: T | undefined;
}

const isItem = (v: unknown): v is { key: unknown; version: unknown; deleted?: unknown } =>
  typeof v === 'object' && v !== null;

export class FlagStore {
  private readonly flags = new Map<string, Entry<CompiledFlag>>();
  private readonly segments = new Map<string, Entry<CompiledSegment>>();
  private liveList: CompiledFlag[] | null = null;
  private allTemplate: Record<string, null> | null = null;

  static from(data: { flags: Record<string, SdkFlag>; segments: Record<string, SdkSegment> }): FlagStore {
    const store = new FlagStore();
    for (const [key, flag] of Object.entries(data.flags ?? {})) {
      if (isItem(flag))
        store.flags.set(key, { version: flag.version, item: flag.deleted ? undefined : new CompiledFlag(key, flag) });
    }
    for (const [key, segment] of Object.entries(data.segments ?? {})) {
      if (isItem(segment)) {
        store.segments.set(key, {
          version: segment.version,
          item: segment.deleted ? undefined : new CompiledSegment(key, segment),
        });
      }
    }
    return store;
  }

  /** Applies an item if its version is greater than the stored one (LD patch rule); returns whether applied. */
  upsertFlag(flag: SdkFlag): boolean {
    if (!isItem(flag) || typeof flag.key !== 'string') return false;
    if (!FlagStore.newer(this.flags.get(flag.key), flag.version)) return false;
    this.flags.set(flag.key, {
      version: flag.version,
      item: flag.deleted ? undefined : new CompiledFlag(flag.key, flag),
    });
    this.liveList = null;
    this.allTemplate = null;
    return true;
  }

  upsertSegment(segment: SdkSegment): boolean {
    if (!isItem(segment) || typeof segment.key !== 'string') return false;
    if (!FlagStore.newer(this.segments.get(segment.key), segment.version)) return false;
    this.segments.set(segment.key, {
      version: segment.version,
      item: segment.deleted ? undefined : new CompiledSegment(segment.key, segment),
    });
    return true;
  }

  /** Tombstone (LD delete rule). */
  deleteFlag(key: string, version: number): boolean {
    if (!FlagStore.newer(this.flags.get(key), version)) return false;
    this.flags.set(key, { version, item: undefined });
    this.liveList = null;
    this.allTemplate = null;
    return true;
  }

  deleteSegment(key: string, version: number): boolean {
    if (!FlagStore.newer(this.segments.get(key), version)) return false;
    this.segments.set(key, { version, item: undefined });
    return true;
  }

  /** Keys of the non-deleted flags. */
  flagKeys(): string[] {
    return this.liveFlags().map((f) => f.key);
  }

  rawFlag(key: string): SdkFlag | undefined {
    return this.flags.get(key)?.item?.raw;
  }

  rawSegment(key: string): SdkSegment | undefined {
    return this.segments.get(key)?.item?.raw;
  }

  /** Stored version of a flag, tombstones included (undefined when never seen). */
  flagVersion(key: string): number | undefined {
    return this.flags.get(key)?.version;
  }

  segmentVersion(key: string): number | undefined {
    return this.segments.get(key)?.version;
  }

  /** @internal Compiled, non-deleted flag. */
  flag(key: string): CompiledFlag | undefined {
    const e = this.flags.get(key);
    return e === undefined ? undefined : e.item;
  }

  /** @internal Compiled, non-deleted segment. */
  segment(key: string): CompiledSegment | undefined {
    const e = this.segments.get(key);
    return e === undefined ? undefined : e.item;
  }

  /** @internal Every compiled, non-deleted flag (cached until the next flag change). */
  liveFlags(): readonly CompiledFlag[] {
    if (this.liveList === null) {
      const list: CompiledFlag[] = [];
      for (const e of this.flags.values()) if (e.item !== undefined) list.push(e.item);
      this.liveList = list;
    }
    return this.liveList;
  }

  /**
   * @internal An object with every live flag key, in liveFlags() order, each set to null: what
   * evaluateAll copies and fills in. Why: an object given 1,000 new keys one by one is turned into
   * a hash table key after key, which costs more than evaluating the flags; a copy of this
   * template (object spread) is one fast-properties object whose keys already exist, so filling it
   * in only overwrites values.
   */
  resultTemplate(): Readonly<Record<string, null>> {
    if (this.allTemplate === null) {
      const keys: Record<string, null> = {};
      // defineProperty: `__proto__` must become an own key, not the prototype.
      for (const f of this.liveFlags())
        Object.defineProperty(keys, f.key, { value: null, enumerable: true, writable: true, configurable: true });
      this.allTemplate = { ...keys };
    }
    return this.allTemplate;
  }

  /** The SDK stores when there is nothing yet or `old.version < new.version` (so NaN never wins). */
  private static newer(current: Entry<unknown> | undefined, version: number): boolean {
    return current === undefined || current.version < version;
  }
}
