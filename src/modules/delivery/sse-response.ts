import type { ServerResponse } from 'node:http';

/**
 * Starts an SSE response: the status line and headers, then the first event, in one write. The
 * response is then held open for as long as the SDK stays connected, so what it keeps matters.
 */
export function startSseResponse(res: ServerResponse, requestId: string, first: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
  });
  res.write(first);
  compactSentHead(res);
}

/**
 * Node keeps the head it sent (`_header`, read afterwards only as "headers sent") for the life of
 * the response. It is built by concatenation, so V8 holds it as a tree of some 30 cons strings and
 * their parts: about 1 KB per held stream, against some 250 bytes for the same text as one flat
 * string. The text is Latin-1 (Node writes heads as such), so the round trip is exact.
 */
function compactSentHead(res: ServerResponse): void {
  const sent = res as unknown as { _header?: unknown };
  if (typeof sent._header === 'string') sent._header = Buffer.from(sent._header, 'latin1').toString('latin1');
}
