import Fastify, { type FastifyInstance } from 'fastify';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { capturedLogger } from '../logging/captured-logger.fake';
import { requestIdFor } from '../logging/request-context';
import { GantryLogController, markSdkRoute } from '../logging/request-logging';
import { replyWithError } from './error-reply';
import type { HttpReplyLike, HttpRequestLike } from './http-exchange';
import { SdkLane } from './sdk-lane';

// @nestjs/common is ES modules only, which jest's CommonJS runtime cannot load (problem.spec.ts does
// the same); toProblem only tests errors against HttpException, which nothing here throws.
jest.mock('@nestjs/common', () => ({ HttpException: class extends Error {} }));

const ROUTE = '/ofrep/v1/evaluate/flags/:key';
const LIMIT = 1024;

/** What the handler does, by the route's key: the reply shapes the OFREP handlers use, and failures. */
function handle(req: HttpRequestLike, reply: HttpReplyLike, key: string): void | Promise<void> {
  switch (key) {
    case 'text':
      reply.status(200).header('content-type', 'application/json').send('{"a":1}');
      return;
    case 'object':
      reply.header('etag', '"e1"').send({ echo: req.body });
      return;
    case 'empty':
      reply.status(401).send();
      return;
    case 'not-modified':
      reply.header('etag', '"e1"').status(304).send();
      return;
    case 'throws':
      reply.header('etag', '"e1"').header('content-type', 'application/json');
      throw new Error('boom');
    case 'rejects':
      return Promise.reject(new Error('boom'));
    default:
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        reply.status(404).header('content-type', 'application/json').send({ key, errorCode: 'FLAG_NOT_FOUND' });
      });
  }
}

interface Answer {
  status: number;
  head: [string, string][];
  text: string;
}

describe('SdkLane', () => {
  const { logger, lines } = capturedLogger();
  const lane = new SdkLane(LIMIT);
  const toFastify: string[] = [];
  const observed: string[] = [];
  let open = true;
  let fastify: FastifyInstance<http.Server, http.IncomingMessage, http.ServerResponse, Logger>;
  let port: number;

  /** The pipeline app.factory.ts builds, reduced to what the lane stands in for on these routes. */
  beforeAll(async () => {
    fastify = Fastify({
      serverFactory: lane.serverFactory,
      loggerInstance: logger,
      logController: new GantryLogController(),
      bodyLimit: LIMIT,
      requestIdHeader: false,
      genReqId: (req) => requestIdFor(req.headers),
      onProtoPoisoning: 'error',
      onConstructorPoisoning: 'error',
    });
    fastify.addHook('onRequest', (req, reply, done) => {
      toFastify.push(req.url);
      reply.header('x-request-id', req.id);
      done();
    });
    fastify.setErrorHandler((err, req, reply) => replyWithError(err, req.url, reply));
    fastify.post<{ Params: { key: string } }>(ROUTE, markSdkRoute({}), (req, reply) =>
      handle(req, reply, req.params.key),
    );
    lane.post(ROUTE, (req, reply, key) => handle(req, reply, key!));
    lane.attach(fastify, {
      logger,
      parseJson: fastify.getDefaultJsonParser('error', 'error'),
      open: () => open,
      observe: (method, route, status) => observed.push(`${method} ${route} ${status}`),
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    port = (fastify.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await fastify.close();
  });

  beforeEach(() => {
    toFastify.length = 0;
    observed.length = 0;
    lines.length = 0;
  });

  const send = (path: string, body: string, headers: Record<string, string> = {}, method = 'POST') =>
    new Promise<Answer>((resolve, reject) => {
      const all = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers };
      for (const [k, v] of Object.entries(all)) if (v === '') delete all[k as keyof typeof all];
      const req = http.request({ host: '127.0.0.1', port, path, method, headers: all, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const head: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2)
            if (!/^(date|x-request-id)$/i.test(res.rawHeaders[i]))
              head.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
          resolve({ status: res.statusCode!, head, text: Buffer.concat(chunks).toString() });
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  const path = (key: string) => `/ofrep/v1/evaluate/flags/${key}`;

  // (The depth check is app.factory.ts's preValidation hook, not set up here: the e2e spec compares it.)
  it.each(['text', 'object', 'empty', 'not-modified', 'throws', 'rejects', 'nope', 'malformed', 'poisoned'])(
    'writes what Fastify writes: %s',
    async (key) => {
      const body =
        key === 'malformed'
          ? '{"context":'
          : key === 'poisoned'
            ? '{"__proto__":{"x":1}}'
            : '{"context":{"targetingKey":"u1"}}';
      const viaLane = await send(path(key), body);
      expect(toFastify).toEqual([]);
      const viaFastify = await send(`${path(key)}?through=fastify`, body);
      expect(toFastify).toHaveLength(1);
      expect(viaLane).toEqual(viaFastify);
      expect(observed).toEqual([`POST ${ROUTE} ${viaLane.status}`]);
    },
  );

  it('answers an unexpected error with a 500 problem document and the failure line Fastify logs', async () => {
    const viaLane = await send(path('throws'), '{}', { 'x-request-id': 'lane-1' });
    await send(`${path('throws')}?through=fastify`, '{}', { 'x-request-id': 'fastify-1' });
    expect(viaLane.status).toBe(500);
    expect(viaLane.head).toContainEqual(['content-type', 'application/problem+json; charset=utf-8']);
    expect(JSON.parse(viaLane.text)).toMatchObject({ status: 500, code: 'internal' });
    const comparable = ({ time: _t, reqId: _id, responseTime: _r, req, ...rest }: Record<string, any>) => ({
      ...rest,
      req: { ...req, url: req.url.replace('?through=fastify', ''), remotePort: 0 },
    });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ reqId: 'fastify-1' });
    expect(comparable(lines[0])).toEqual(comparable(lines[1]));
    expect(lines[0]).toMatchObject({ reqId: 'lane-1', msg: 'request completed', res: { statusCode: 500 } });
  });

  it('logs nothing for a success', async () => {
    await send(path('text'), '{}');
    await send(`${path('text')}?through=fastify`, '{}');
    expect(lines).toEqual([]);
  });

  it.each([
    ['a charset', path('text'), { 'content-type': 'application/json; charset=UTF-8' }],
    ['an upper-case media type', path('text'), { 'content-type': 'Application/JSON' }],
    ['a body at the limit', path('text'), { 'content-length': String(LIMIT) }],
  ] as [string, string, Record<string, string>][])('takes a request with %s', async (_what, p, headers) => {
    const body = headers['content-length'] ? `{"a":"${'x'.repeat(LIMIT - 8)}"}` : '{}';
    await send(p, body, headers);
    expect(toFastify).toEqual([]);
  });

  it.each([
    ['a query string', `${path('text')}?a=1`, {}],
    ['a trailing slash', `${path('text')}/`, {}],
    ['an encoded key', path('t%65xt'), {}],
    ['the bulk route, not registered here', '/ofrep/v1/evaluate/flags', {}],
    ['another media type', path('text'), { 'content-type': 'text/plain' }],
    ['a JSON subtype', path('text'), { 'content-type': 'application/vnd.api+json' }],
    ['another charset', path('text'), { 'content-type': 'application/json; charset=latin1' }],
    ['no content type', path('text'), { 'content-type': '' }],
    ['a content encoding', path('text'), { 'content-encoding': 'identity' }],
    ['a chunked body', path('text'), { 'content-length': '', 'transfer-encoding': 'chunked' }],
    ['an empty body', path('text'), { 'content-length': '0' }],
  ] as [string, string, Record<string, string>][])('leaves to Fastify a request with %s', async (_what, p, headers) => {
    await send(p, headers['content-length'] === '0' ? '' : '{}', headers);
    expect(toFastify).toEqual([p]);
  });

  it("leaves to Fastify's router a key over its length limit (a 414 before any hook)", async () => {
    expect((await send(path('k'.repeat(101)), '{}')).status).toBe(414);
    expect(observed).toEqual([]);
  });

  it('leaves to Fastify a body over the limit, another method, and everything while closed', async () => {
    await send(path('text'), `{"a":"${'x'.repeat(LIMIT)}"}`);
    await send(path('text'), '', { 'content-length': '' }, 'GET');
    open = false;
    await send(path('text'), '{}');
    open = true;
    lane.close();
    await send(path('text'), '{}');
    expect(toFastify).toEqual([path('text'), path('text'), path('text'), path('text')]);
  });
});

describe('SdkLane while Fastify closes', () => {
  it('leaves the requests that arrive after preClose to Fastify, which answers 503', async () => {
    const { logger } = capturedLogger();
    const lane = new SdkLane(LIMIT);
    const fastify = Fastify({ serverFactory: lane.serverFactory, loggerInstance: logger });
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const answer = async (reply: HttpReplyLike) => {
      if (calls++ === 0) {
        entered();
        await held;
      }
      reply.send({ ok: true });
    };
    fastify.post('/ofrep/v1/evaluate/flags', (_req, reply) => answer(reply));
    lane.post('/ofrep/v1/evaluate/flags', (_req, reply) => answer(reply));
    lane.attach(fastify, {
      logger,
      parseJson: fastify.getDefaultJsonParser('error', 'error'),
      open: () => true,
      observe: () => undefined,
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const port = (fastify.server.address() as AddressInfo).port;
    const connect = () => {
      const socket = net.connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      return { socket, received: () => received };
    };
    const line = 'POST /ofrep/v1/evaluate/flags HTTP/1.1\r\n';
    const rest = 'host: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}';
    // A holds the server open (its answer waits); B has begun a request, so closing spares it.
    const a = connect();
    const b = connect();
    a.socket.write(line + rest);
    b.socket.write(line);
    await inHandler;
    const closing = fastify.close();
    // The server stops listening after the preClose hooks ran; only then does B's request arrive.
    while (fastify.server.listening) await new Promise((resolve) => setImmediate(resolve));
    b.socket.write(rest);
    while (!b.received().endsWith('}')) await new Promise((resolve) => setImmediate(resolve));
    b.socket.destroy();
    release();
    // A's keep-alive connection outlives its answer; closing waits for it to go.
    while (!a.received().endsWith('{"ok":true}')) await new Promise((resolve) => setImmediate(resolve));
    a.socket.destroy();
    await closing;
    expect(b.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(b.received()).toContain('"statusCode":503');
    expect(a.received()).toMatch(/^HTTP\/1\.1 200 [^]*\{"ok":true\}$/);
  });
});
