import type { IncomingHttpHeaders } from 'node:http';

/**
 * What a plain handler reads of a request and does with its reply. Fastify's request and reply
 * satisfy these, and so do the SDK lane's (sdk-lane.ts), so one handler serves both paths.
 */
export interface HttpRequestLike {
  readonly id: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface HttpReplyLike {
  status(code: number): HttpReplyLike;
  header(name: string, value: string): HttpReplyLike;
  /** A string is sent as is; an object as JSON; nothing, as an empty body. */
  send(payload?: unknown): unknown;
}
