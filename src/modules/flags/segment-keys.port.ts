import type { Tx } from '../../infra/prisma/tx';

/**
 * What the flag write path needs to know of segments: which keys a segmentMatch clause may name.
 * Segments sit above flags (they read FlagsReadModel), so flags declare this port and the segments
 * read model implements it, as accounts does with FlagTags and SegmentTags.
 */
export abstract class SegmentKeys {
  /** Keys of the live (not deleted) segments of these environments, in the transaction when given. */
  abstract liveKeys(tx: Tx | undefined, environmentIds: string[]): Promise<{ environmentId: string; key: string }[]>;

  /**
   * Of `keys`, those still live in the environment, their rows locked FOR SHARE until `tx` ends: a
   * delete of one of them waits for this write and then sees the reference it adds.
   */
  abstract lockLive(tx: Tx, environmentId: string, keys: string[]): Promise<string[]>;
}
