import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { RelayGrant } from '../../core/relay/relay-scope';
import { RelayCredentialVerifier } from '../relay/relay-credential-verifier';
import { Upstream, UpstreamError } from './upstream';

/** How long an edge trusts its upstream's answer about a credential; open feeds re-check on their own timer. */
const TTL_MS = 30_000;
const MAX_CACHED = 1_000;

/**
 * On an edge feeding other edges: a child's relay credential is checked by asking this edge's
 * upstream (`GET /relay/v1/credential` with the child's secret), so revocation reaches the whole
 * tree within one check. An upstream that cannot be reached keeps the last answer.
 */
@Injectable()
export class UpstreamCredentialVerifier extends RelayCredentialVerifier {
  private readonly cache = new Map<string, { grant: RelayGrant | null; at: number }>();

  constructor(private readonly upstream: Upstream) {
    super();
  }

  async verify(secret: string): Promise<RelayGrant | null> {
    const key = createHash('sha256').update(secret).digest('hex');
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.grant;
    let grant: RelayGrant | null;
    try {
      grant = await this.upstream.call<RelayGrant>('GET', '/relay/v1/credential', undefined, {}, secret);
    } catch (e) {
      if (!(e instanceof UpstreamError) || e.status >= 500) {
        if (hit) return hit.grant;
        throw e;
      }
      grant = null;
    }
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, { grant, at: Date.now() });
    return grant;
  }

  /** Revocations are learnt by re-checking (RelayFeedService does every minute), not announced. */
  onRevoked(): void {}
}
