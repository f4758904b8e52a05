import { Inject, Injectable } from '@nestjs/common';
import { GANTRY_CONFIG, type EdgeConfig, type GantryConfig } from '../../infra/config/config';

/** An answer from the upstream that was not a success. */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** How long a call to the upstream may take (the feed itself is open-ended). */
const CALL_TIMEOUT_MS = 10_000;

/** The upstream Gantry of an edge (an API node, or another edge), reached with the edge's relay credential. */
@Injectable()
export class Upstream {
  readonly config: EdgeConfig;

  constructor(@Inject(GANTRY_CONFIG) config: GantryConfig) {
    if (!config.edge) throw new Error('the edge role needs GANTRY_UPSTREAM_URL and GANTRY_RELAY_TOKEN');
    this.config = config.edge;
  }

  get url(): string {
    return this.config.upstreamUrl;
  }

  /** Opens the relay feed; the caller reads the body as an event stream. */
  async openFeed(revisions: Record<string, string>, signal: AbortSignal): Promise<Response> {
    return fetch(`${this.url}/relay/v1/feed`, {
      method: 'POST',
      headers: this.headers({ accept: 'text/event-stream' }),
      body: JSON.stringify({ revisions }),
      signal,
    });
  }

  /** A JSON call with the edge's credential (or `secret`, checking another's); throws UpstreamError unless 2xx. */
  async call<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}, secret?: string) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: this.headers(extra, secret),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await res.text();
    if (!res.ok) throw new UpstreamError(res.status, `upstream answered ${res.status} to ${method} ${path}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private headers(extra: Record<string, string>, secret = this.config.relayToken): Record<string, string> {
    return {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
      'user-agent': 'gantry-edge',
      ...extra,
    };
  }
}
