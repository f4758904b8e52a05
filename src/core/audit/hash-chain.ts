import { canonicalJson } from './canonical-json';

/** The fields of an audit entry that its hash covers (everything but the id and the hash itself). */
export interface ChainedContent {
  at: string;
  actor: unknown;
  action: string;
  resource: string;
  comment: string;
  before: unknown;
  after: unknown;
  delta: unknown;
  previousVersion: number | null;
  currentVersion: number | null;
  requestId: string | null;
  links: unknown;
  prevHash: string;
}

/** Hash of the (virtual) entry before the first one. */
export const GENESIS_HASH = '0'.repeat(64);

/** `sha256` is injected so the core stays free of runtime imports (and testable with any digest). */
export type Sha256Hex = (text: string) => string;

/**
 * hash = sha256(prevHash + sha256(canonical content without prevHash)). Splitting it this way lets
 * the database do the last step while it holds the chain lock, so an append is one statement.
 */
export function contentDigest(content: Omit<ChainedContent, 'prevHash'>, sha256: Sha256Hex): string {
  return sha256(canonicalJson(content));
}

export function chainHash(prevHash: string, digest: string, sha256: Sha256Hex): string {
  return sha256(prevHash + digest);
}

export function entryHash(content: ChainedContent, sha256: Sha256Hex): string {
  const { prevHash, ...rest } = content;
  return chainHash(prevHash, contentDigest(rest, sha256), sha256);
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  firstBrokenId?: string;
  reason?: string;
}

/**
 * Walks entries in id order, carrying the previous hash across calls (entries arrive in pages).
 * An entry is broken when its stored prevHash is not the previous entry's hash, or when its
 * stored hash is not the hash of its content.
 */
export class ChainVerifier {
  private expectedPrev = GENESIS_HASH;
  private count = 0;
  private broken?: { id: string; reason: string };

  constructor(private readonly sha256: Sha256Hex) {}

  push(id: string, content: ChainedContent, storedHash: string): boolean {
    if (this.broken) return false;
    this.count += 1;
    if (content.prevHash !== this.expectedPrev) {
      this.broken = { id, reason: 'prevHash does not match the previous entry' };
      return false;
    }
    if (entryHash(content, this.sha256) !== storedHash) {
      this.broken = { id, reason: 'content does not match its hash' };
      return false;
    }
    this.expectedPrev = storedHash;
    return true;
  }

  result(): ChainCheck {
    return this.broken
      ? { ok: false, checked: this.count, firstBrokenId: this.broken.id, reason: this.broken.reason }
      : { ok: true, checked: this.count };
  }
}
