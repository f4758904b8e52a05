import http from 'node:http';
import https from 'node:https';
import type { OutboundPolicy } from './outbound-policy';

export class OutboundTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * POSTs `body` to `url` through the outbound policy: an address literal is checked first, a name
 * is resolved by the policy's lookup, which refuses it when any address is forbidden and lets the
 * socket connect only to the addresses it checked (no second resolution to rebind). Redirects are
 * not followed. Resolves with the status code; the response body is discarded.
 */
export async function guardedPost(
  policy: OutboundPolicy,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const target = new URL(url);
  await policy.checkUrl(target, { resolve: false });
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: policy.lookup,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    // The whole exchange, not only idle time: a server dripping its answer cannot hold a worker.
    const timer = setTimeout(() => req.destroy(new OutboundTimeout(timeoutMs)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new OutboundTimeout(timeoutMs)));
    req.on('error', reject);
    req.end(body);
  });
}
