import http from 'node:http';
import https from 'node:https';
import type { OutboundPolicy } from './outbound-policy';
import { OutboundTimeout } from './guarded-post';

export interface GuardedFetchInit {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Identity-provider documents (discovery, JWKS, tokens, userinfo) are small; more is refused. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

function bodyBytes(body: GuardedFetchInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new TypeError('guardedFetch: streaming request bodies are not supported');
}

/**
 * A fetch for libraries that take one (the OIDC client): every connection goes through the
 * outbound policy exactly as webhooks do (address literals checked, names resolved once and
 * checked, the socket given only checked addresses), redirects are never followed, the response
 * is bounded in size and the whole exchange in time.
 */
export function guardedFetch(policy: OutboundPolicy, timeoutMs: number) {
  return async (url: string, init: GuardedFetchInit): Promise<Response> => {
    const target = new URL(url);
    await policy.checkUrl(target, { resolve: false });
    const body = bodyBytes(init.body);
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const req = client.request(
        target,
        {
          method: init.method,
          headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          lookup: policy.lookup,
          agent: false,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES)
              req.destroy(new Error(`response from ${target.host} exceeds ${MAX_RESPONSE_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
                headers.append(name, v);
            }
            const status = res.statusCode ?? 502;
            const noBody = status === 204 || status === 304 || init.method === 'HEAD';
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers }));
          });
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => req.destroy(new OutboundTimeout(timeoutMs)), timeoutMs);
      init.signal?.addEventListener('abort', () => req.destroy(new OutboundTimeout(timeoutMs)), { once: true });
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(new OutboundTimeout(timeoutMs)));
      req.on('error', reject);
      req.end(body);
    });
  };
}
