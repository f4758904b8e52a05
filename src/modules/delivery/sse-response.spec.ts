import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSseResponse } from './sse-response';

/** One request to a server whose handler starts an SSE response; resolves with what the client saw. */
async function firstResponse(handle: (res: http.ServerResponse) => void) {
  const server = http.createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ headers: http.IncomingHttpHeaders; status?: number; body: string }>(
      (resolve, reject) => {
        const req = http.get({ port, host: '127.0.0.1', path: '/all', agent: false }, (res) => {
          res.setEncoding('latin1');
          res.once('data', (body: string) => {
            resolve({ headers: res.headers, status: res.statusCode, body });
            req.destroy();
          });
        });
        req.on('error', reject);
      },
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('startSseResponse', () => {
  it('sends the SSE head with the request id, then the first event, and the response stays writable', async () => {
    let afterwards: { headersSent: boolean; writable: boolean } | undefined;
    const seen = await firstResponse((res) => {
      startSseResponse(res, 'req-1', 'event: put\ndata: {}\n\n');
      afterwards = { headersSent: res.headersSent, writable: res.writable };
    });
    expect(seen.status).toBe(200);
    expect(seen.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': 'req-1',
    });
    expect(seen.body).toBe('event: put\ndata: {}\n\n');
    expect(afterwards).toEqual({ headersSent: true, writable: true });
  });

  it('keeps a Latin-1 header value as sent', async () => {
    const seen = await firstResponse((res) => {
      res.setHeader('x-note', 'caf\u00e9');
      startSseResponse(res, 'req-2', ':\n\n');
    });
    expect(seen.headers['x-note']).toBe('caf\u00e9');
  });
});
