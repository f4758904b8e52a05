import Fastify from 'fastify';
import { capturedLogger } from './captured-logger.fake';
import { GantryLogController, markSdkRoute } from './request-logging';

/** A Fastify instance with Gantry's log controller, one SDK route and one other, and its log lines. */
function app() {
  const { logger, lines } = capturedLogger();
  const fastify = Fastify({
    loggerInstance: logger,
    logController: new GantryLogController(),
  });
  const answer = (req: { headers: Record<string, unknown> }) => {
    if (req.headers['x-fail'] === 'throw') throw new Error('boom');
    return req.headers['x-fail'] ? Promise.reject(Object.assign(new Error('no'), { statusCode: 401 })) : { ok: true };
  };
  fastify.get('/sdk', markSdkRoute({}), async (req) => answer(req));
  fastify.get('/other', async (req) => answer(req));
  return { fastify, lines };
}

/** The lines about requests (not Fastify's start and stop messages). */
const requestLines = (lines: Record<string, unknown>[]) => lines.filter((l) => 'req' in l || 'res' in l);

/** One request over HTTP (Fastify's inject needs an ES module jest cannot load); its status. */
async function call(fastify: ReturnType<typeof app>['fastify'], path: string, fail?: string): Promise<number> {
  const res = await fetch(`${fastify.listeningOrigin}${path}`, { headers: fail ? { 'x-fail': fail } : {} });
  await res.text();
  return res.status;
}

describe('GantryLogController', () => {
  it('logs nothing for a successful SDK request, and two lines for any other request', async () => {
    const { fastify, lines } = app();
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(await call(fastify, '/sdk')).toBe(200);
      expect(await call(fastify, '/other')).toBe(200);
    } finally {
      // Closing waits for the responses, so every completion line has been written.
      await fastify.close();
    }
    expect(requestLines(lines).map((l) => [l.msg, (l.req as { url?: string } | undefined)?.url])).toEqual([
      ['incoming request', '/other'],
      ['request completed', undefined],
    ]);
  });

  it('logs a failed SDK request as one line that names the request', async () => {
    const { fastify, lines } = app();
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(await call(fastify, '/sdk', '401')).toBe(401);
      expect(await call(fastify, '/sdk', 'throw')).toBe(500);
    } finally {
      await fastify.close();
    }
    expect(requestLines(lines).every((l) => l.msg !== 'incoming request')).toBe(true);
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(
      completed.map((l) => [(l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode]),
    ).toEqual([
      ['/sdk', 401],
      ['/sdk', 500],
    ]);
  });
});
