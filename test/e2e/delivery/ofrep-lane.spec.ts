/**
 * The SDK lane (src/infra/http/sdk-lane.ts) against the Fastify path it stands in for: OFREP
 * requests the lane takes and the same requests sent so that it must leave them to Fastify (a query
 * string, or a chunked body with no content-length) get the same status, headers (but the date and
 * the request id) and body bytes; the lane's share is read from gantry_http_sdk_lane_requests_total,
 * so a lane that stopped taking requests fails here too. Also: the latency histogram and the failure
 * log line of lane requests, a client's request id, the body limit, a client gone mid-body.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, metricValue, sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver';

const P = 'lane';
const E = 'production';
const BULK = '/ofrep/v1/evaluate/flags';
const SINGLE = '/ofrep/v1/evaluate/flags/f';
const BODY_LIMIT = 4096;

interface Exchange {
  status: number;
  /** Response headers in wire order, without date and x-request-id. */
  head: [string, string][];
  requestId: string | undefined;
  text: string;
}

type Via = 'lane' | 'query' | 'chunked';

describe('OFREP through the SDK lane and through Fastify', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;

  /** One POST on a fresh connection; `via` says how it is sent, and so which path should take it. */
  const post = (path: string, body: string, via: Via, headers: Record<string, string> = {}) =>
    new Promise<Exchange>((resolve, reject) => {
      const all: Record<string, string> = {
        authorization: `Bearer ${sdkKey}`,
        'content-type': 'application/json',
        ...headers,
      };
      // Node's client would compute a content-length for one end(body); chunked is asked for by name.
      if (via === 'chunked') all['transfer-encoding'] = 'chunked';
      else all['content-length'] = String(Buffer.byteLength(body));
      const url = `${gantry.baseUrl}${path}${via === 'query' ? '?via=fastify' : ''}`;
      const req = http.request(url, { method: 'POST', headers: all, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const head: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i].toLowerCase();
            if (name !== 'date' && name !== 'x-request-id') head.push([name, res.rawHeaders[i + 1]]);
          }
          const requestId = res.headers['x-request-id'];
          resolve({
            status: res.statusCode!,
            head,
            requestId: requestId as string,
            text: Buffer.concat(chunks).toString(),
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  const metrics = async () => (await gantry.raw<string>('GET', '/metrics')).text;
  const laneCount = async () => metricValue(await metrics(), 'gantry_http_sdk_lane_requests_total');

  /** The exchange through the lane (checked: it was counted there) and its twins through Fastify. */
  const bothWays = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const before = await laneCount();
    const lane = await post(path, body, 'lane', headers);
    expect(await laneCount()).toBe(before + 1);
    const query = await post(path, body, 'query', headers);
    const chunked = await post(path, body, 'chunked', headers);
    expect(await laneCount()).toBe(before + 1);
    return { lane, query, chunked };
  };

  const expectSameAnswer = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const { lane, query, chunked } = await bothWays(path, body, headers);
    expect(lane).toEqual({ ...query, requestId: lane.requestId });
    expect(lane).toEqual({ ...chunked, requestId: lane.requestId });
    return lane;
  };

  const context = (extra: object = {}) => JSON.stringify({ context: { targetingKey: 'u1', plan: 'pro', ...extra } });

  beforeAll(async () => {
    gantry = await startGantry({ env: { GANTRY_BODY_LIMIT: String(BODY_LIMIT), LOG_LEVEL: 'info' } });
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);
    await factory.flag(api, P, { key: 'f' });
    await factory.flag(api, P, { key: 'g', variations: ['red', 'green'] });
    await factory.patchFlag(api, P, 'f', { environmentKey: E, instructions: [{ kind: 'turnFlagOn' }] });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('answers bulk and single evaluations with the same bytes and headers', async () => {
    const bulk = await expectSameAnswer(BULK, context());
    expect(bulk.status).toBe(200);
    expect(
      JSON.parse(bulk.text)
        .flags.map((f: { key: string }) => f.key)
        .sort(),
    ).toEqual(['f', 'g']);
    expect(bulk.head.map(([name]) => name)).toEqual(
      expect.arrayContaining(['etag', 'content-type', 'content-length', 'connection']),
    );
    const single = await expectSameAnswer(SINGLE, context());
    expect(JSON.parse(single.text)).toMatchObject({ key: 'f', value: true });
    // An unknown flag, and the ETag's 304 (no body, no content-length).
    expect((await expectSameAnswer('/ofrep/v1/evaluate/flags/nope', context())).status).toBe(404);
    const etag = bulk.head.find(([name]) => name === 'etag')![1];
    const notModified = await expectSameAnswer(BULK, context(), { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.head.map(([name]) => name)).not.toContain('content-length');
  });

  it('refuses malformed JSON, prototype poisoning and too-deep bodies the same way', async () => {
    const deep = `{"context":{"targetingKey":"u1","x":${'['.repeat(70)}${']'.repeat(70)}}}`;
    for (const [body, detail] of [
      ['{"context": {"targetingKey": "u1"', /not valid JSON/],
      ['{"__proto__": {"polluted": true}, "context": {"targetingKey": "u1"}}', /not valid JSON/],
      ['{"constructor": {"prototype": {"polluted": true}}, "context": {"targetingKey": "u1"}}', /not valid JSON/],
      [deep, /nested deeper than 64 levels/],
    ] as const) {
      for (const path of [BULK, SINGLE]) {
        const res = await expectSameAnswer(path, body);
        expect({ path, status: res.status, body: JSON.parse(res.text) }).toEqual({
          path,
          status: 400,
          body: {
            ...(path === SINGLE ? { key: 'f' } : {}),
            errorCode: 'PARSE_ERROR',
            errorDetails: expect.stringMatching(detail),
          },
        });
      }
    }
  });

  it('answers an invalid context and an unknown SDK key the same way', async () => {
    const invalid = await expectSameAnswer(SINGLE, JSON.stringify({ context: { targetingKey: 42 } }));
    expect([invalid.status, JSON.parse(invalid.text).errorCode]).toEqual([400, 'INVALID_CONTEXT']);
    for (const path of [BULK, SINGLE]) {
      const unknown = await expectSameAnswer(path, context(), {
        authorization: 'Bearer sdk-00000000-0000-4000-8000-000000000000',
      });
      expect({ status: unknown.status, text: unknown.text }).toEqual({ status: 401, text: '' });
      expect(unknown.head).toContainEqual(['content-length', '0']);
    }
  });

  it("leaves a body over the limit to Fastify's 413", async () => {
    const before = await laneCount();
    const big = context({ blob: 'x'.repeat(BODY_LIMIT) });
    const lane = await post(SINGLE, big, 'lane');
    const query = await post(SINGLE, big, 'query');
    expect(lane.status).toBe(413);
    expect(lane).toEqual({ ...query, requestId: lane.requestId });
    expect(JSON.parse(lane.text)).toMatchObject({ key: 'f', errorCode: 'GENERAL' });
    expect(await laneCount()).toBe(before);
  });

  it("keeps a client's valid request id and replaces an invalid one", async () => {
    const { lane, query } = await bothWays(BULK, context(), { 'x-request-id': 'client-id-1' });
    expect([lane.requestId, query.requestId]).toEqual(['client-id-1', 'client-id-1']);
    const replaced = await bothWays(BULK, context(), { 'x-request-id': 'not a valid id' });
    for (const res of Object.values(replaced)) expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts lane requests in the latency histogram with the route pattern and status', async () => {
    let m = await metrics();
    const count = (route: string, status: string) =>
      metricValue(
        m,
        'gantry_http_request_duration_seconds_count',
        `{method="POST",route="${route}",status="${status}"}`,
      );
    const before = [count(BULK, '200'), count('/ofrep/v1/evaluate/flags/:key', '200'), count(BULK, '400')];
    const lanesBefore = metricValue(m, 'gantry_http_sdk_lane_requests_total');
    await post(BULK, context(), 'lane');
    await post(BULK, context(), 'lane');
    await post(SINGLE, context(), 'lane');
    await post(BULK, '{', 'lane');
    m = await metrics();
    expect([count(BULK, '200'), count('/ofrep/v1/evaluate/flags/:key', '200'), count(BULK, '400')]).toEqual([
      before[0] + 2,
      before[1] + 1,
      before[2] + 1,
    ]);
    expect(metricValue(m, 'gantry_http_sdk_lane_requests_total')).toBe(lanesBefore + 4);
  });

  it('logs a failing lane request in one line, as the Fastify path does, and a successful one not at all', async () => {
    const linesOf = (reqId: string) =>
      gantry
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>)
        .filter((l) => l.reqId === reqId);
    await post(SINGLE, '{', 'lane', { 'x-request-id': 'lane-fail-1' });
    await post(SINGLE, '{', 'query', { 'x-request-id': 'fastify-fail-1' });
    await post(SINGLE, context(), 'lane', { 'x-request-id': 'lane-ok-1' });
    let lane: Record<string, any>[] = [];
    let fastify: Record<string, any>[] = [];
    for (let i = 0; i < 50 && (lane.length === 0 || fastify.length === 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      [lane, fastify] = [linesOf('lane-fail-1'), linesOf('fastify-fail-1')];
    }
    expect(lane).toHaveLength(1);
    expect(fastify).toHaveLength(1);
    expect(lane[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'POST', url: SINGLE, host: expect.any(String), remoteAddress: '127.0.0.1' },
      res: { statusCode: 400, code: 'request/malformed_json' },
      responseTime: expect.any(Number),
    });
    const comparable = ({ time: _t, reqId: _r, responseTime: _rt, req, ...rest }: Record<string, any>) => ({
      ...rest,
      req: { ...req, url: req.url.replace('?via=fastify', ''), remotePort: 0 },
    });
    expect(comparable(lane[0])).toEqual(comparable(fastify[0]));
    expect(linesOf('lane-ok-1')).toEqual([]);
  });

  it('lets a client go away mid-body, logging and counting it as the Fastify path does', async () => {
    const abandon = (path: string, reqId: string) =>
      new Promise<void>((resolve) => {
        const url = new URL(gantry.baseUrl);
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${sdkKey}\r\n` +
              `content-type: application/json\r\ncontent-length: 100\r\nx-request-id: ${reqId}\r\n\r\n{"context":`,
          );
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    const before = await laneCount();
    await abandon(SINGLE, 'lane-gone-1');
    await abandon(`${SINGLE}?via=fastify`, 'fastify-gone-1');
    // The process is unharmed; the abandoned request was never answered, so never counted.
    expect((await post(SINGLE, context(), 'lane')).status).toBe(200);
    expect(await laneCount()).toBe(before + 1);
    const lines = (reqId: string) =>
      gantry
        .stdout()
        .split('\n')
        .filter((l) => l.includes(`"${reqId}"`)).length;
    expect(lines('lane-gone-1')).toBe(lines('fastify-gone-1'));
  });
});

describe('OFREP with tracing on', () => {
  let otlp: OtlpReceiver;
  let gantry: Gantry;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    gantry = await startGantry({ env: otlp.env({ GANTRY_TRACE_SDK_SAMPLE_RATIO: '1' }) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await otlp?.close();
  });

  it('leaves SDK requests to Fastify, whose hooks give them their server spans', async () => {
    const api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    const sdkKey = await sdkKeyOf(api, P, E);
    const traceId = randomBytes(16).toString('hex');
    const res = await gantry.raw('POST', BULK, {
      headers: { authorization: `Bearer ${sdkKey}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { context: { targetingKey: 'u1' } },
    });
    expect(res.status).toBe(200);
    const span = (await eventually(() => otlp.trace(traceId, [`POST ${BULK}`]))).find(
      (s) => s.name === `POST ${BULK}`,
    )!;
    expect(span.attributes).toMatchObject({ 'http.route': BULK, 'http.response.status_code': 200 });
    const metrics = (await gantry.raw<string>('GET', '/metrics')).text;
    expect(metricValue(metrics, 'gantry_http_sdk_lane_requests_total')).toBe(0);
  });
});
