import { noteProblemCode } from '../logging/logger';
import type { HttpReplyLike } from './http-exchange';
import { toProblem } from './problem';
import { isScimUrl, SCIM_CONTENT_TYPE, scimError } from './scim-http';

const OFREP_URL = /^\/ofrep\/v1\/evaluate\/flags(?:\/([^/?]+))?/;

/**
 * The one rendering of an error that reached the edge (Fastify's parse errors, the body checks,
 * anything a plain route throws): Fastify's error handler and the SDK lane both answer with it.
 * problem+json, except where the client speaks another error format (OFREP, SCIM).
 */
export function replyWithError(err: unknown, url: string, reply: HttpReplyLike): void {
  const p = toProblem(err);
  noteProblemCode(reply, p.code);
  // OFREP clients understand only OFREP error bodies (`key` + `errorCode`), not problem+json.
  const ofrep = OFREP_URL.exec(url);
  if (ofrep && p.status < 500) {
    const errorCode = p.code === 'request/malformed_json' || p.code === 'request/too_deep' ? 'PARSE_ERROR' : 'GENERAL';
    reply
      .status(p.status === 413 ? 413 : 400)
      .header('content-type', 'application/json')
      .send({ ...(ofrep[1] ? { key: safeDecode(ofrep[1]) } : {}), errorCode, errorDetails: p.detail });
    return;
  }
  if (isScimUrl(url)) {
    reply.status(p.status).header('content-type', SCIM_CONTENT_TYPE).send(scimError(p));
    return;
  }
  reply.status(p.status).header('content-type', 'application/problem+json').send(p);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
